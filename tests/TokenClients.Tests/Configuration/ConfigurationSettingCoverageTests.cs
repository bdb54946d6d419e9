using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Tests.Support;
using TokenClients.Vendors.JustLogin;
using TokenClients.Vendors.Mluvii;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Oli;
using TokenClients.Vendors.Telmai;

namespace TokenClients.Tests.Configuration;

/// <summary>Every public setting of every kind has a configuration key that binds.</summary>
public sealed class ConfigurationSettingCoverageTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    public static TheoryData<string, Type> KindsAndOptions => new()
    {
        { "Mluvii", typeof(MluviiOptions) }, { "MoodHood", typeof(MoodHoodOptions) }, { "Telmai", typeof(TelmaiOptions) },
        { "Oli", typeof(OliOptions) }, { "JustLogin", typeof(JustLoginOptions) }, { "ClientCredentials", typeof(ClientCredentialsOptions) },
        { "Password", typeof(PasswordOptions) }, { "AuthorizationCode", typeof(AuthorizationCodeOptions) }, { "Custom", typeof(CustomTokenOptions) },
        { "TokenExchange", typeof(TokenExchangeOptions) }, { "DeviceCode", typeof(DeviceCodeOptions) },
    };

    [Theory]
    [MemberData(nameof(KindsAndOptions))]
    public void Every_public_setting_of_a_kind_can_be_configured(string kind, Type options)
    {
        var values = new List<(string, string)> { ("p:Kind", kind) };
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            values.AddRange(SampleValues("p:" + property.Name, property));
        }

        _harness.Services.AddTokenProviders(Section([.. values]));

        var error = Record.Exception(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        // Settings may still disagree with each other (validators judge that); none may be unknown or unreadable.
        Assert.DoesNotContain("is not a setting", error?.Message ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("must be", error?.Message.Replace("must be https", "", StringComparison.Ordinal) ?? string.Empty, StringComparison.Ordinal);
    }

    private static IEnumerable<(string, string)> SampleValues(string key, PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(IDictionary<string, string>))
        {
            yield return (key + ":name", "value");
        }
        else if (type == typeof(IList<string>))
        {
            yield return (key + ":0", "first");
            yield return (key + ":1", "second");
        }
        else if (type == typeof(TokenResponseOptions) || type == typeof(ClientAssertionOptions) || type == typeof(ClientCertificateOptions) || type == typeof(DPoPOptions))
        {
            // A certificate object and an assertion source are set in code only.
            foreach (var child in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(static child => child.PropertyType != typeof(X509Certificate2) && child.PropertyType != typeof(IClientAssertionSource)))
            {
                foreach (var value in SampleValues(key + ":" + child.Name, child))
                {
                    yield return value;
                }
            }
        }
        else if (property.CanWrite)
        {
            yield return (key, type switch
            {
                _ when type == typeof(string) => "text",
                _ when type == typeof(Uri) => "https://idp.example/path",
                _ when type == typeof(TimeSpan) => "00:03:00",
                _ when type == typeof(bool) => "true",
                _ when type == typeof(int) => "3",
                _ when type.IsEnum => Enum.GetNames(type)[^1],
                _ => throw new InvalidOperationException($"No sample value for {property.Name} of type {type}."),
            });
        }
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("TokenProviders:" + v.Key, v.Value)))
            .Build()
            .GetSection("TokenProviders");
}
