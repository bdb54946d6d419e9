using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Tests.Caching;

/// <summary>DPoP-bound token sets of signed-in users in the shared store: one key for every instance.</summary>
public sealed partial class SharedCacheSafetyTests
{
    [Fact]
    public async Task User_provider_with_dpop_over_the_shared_store_does_not_start_with_a_key_generated_per_process()
    {
        await using var generated = SharedServices(new DictionaryCache(), new InProcessTokenLock(_time),
            s => s.AddTokenProvider("users", p => p.UseAuthorizationCode(o => DPoPUserOptions(o, key: null))));

        var error = Assert.Throws<OptionsValidationException>(() => generated.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("TokenProviders:users:DPoP:Key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("user-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_provider_with_dpop_starts_with_a_supplied_key_over_the_shared_store_or_a_generated_one_in_memory()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(true);
        var jwk = new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(p.Q.X), ["y"] = Base64Url.EncodeToString(p.Q.Y), ["d"] = Base64Url.EncodeToString(p.D),
        }.ToJsonString();
        await using var supplied = SharedServices(new DictionaryCache(), new InProcessTokenLock(_time),
            s => s.AddTokenProvider("users", b => b.UseAuthorizationCode(o => DPoPUserOptions(o, jwk))));
        supplied.GetRequiredService<IStartupValidator>().Validate();

        var services = new ServiceCollection();
        services.AddTokenProvider("users", b => b.UseAuthorizationCode(o => DPoPUserOptions(o, key: null)));
        await using var inMemory = services.BuildServiceProvider();
        inMemory.GetRequiredService<IStartupValidator>().Validate();
    }

    private static void DPoPUserOptions(AuthorizationCodeOptions o, string? key)
    {
        UserOptions(o);
        o.DPoP.Enabled = true;
        o.DPoP.Key = key;
    }
}
