using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenClients.IntegrationTests.OidcProvider;

namespace TokenClients.IntegrationTests.Cli;

/// <summary>
/// <c>tokenclients login</c> (the device flow) and token exchange in the command line, as a process against oidc-provider:
/// the person approving the code is played by the server's test route, and its introspection judges the tokens.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed partial class CliLoginTests(OidcProviderServer server) : IDisposable
{
    private static readonly string CliPath = typeof(CliLoginTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TokenClientsCli").Value!;
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenclients-login-").FullName;

    private string ConfigPath => Path.Combine(_directory, "appsettings.json");

    private string StorePath => Path.Combine(_directory, "store", "tokens.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Login_prints_the_address_and_user_code_waits_for_approval_and_keeps_the_tokens_for_token_and_exchange()
    {
        WriteConfig();
        using var login = Start("login", "device", "--config", ConfigPath);
        var userCode = await login.FieldAsync("code");
        Assert.Equal(new Uri(server.Issuer, "/device").AbsoluteUri, login.Lines[0]["open".Length..].Trim());
        await server.DeviceAsync(userCode, "approve", account: "alice-cli");
        var (exit, output, error) = await login.ExitAsync();

        Assert.True(exit == 0, string.Join('\n', error));
        Assert.Contains(output, l => l.StartsWith("signed in device as ", StringComparison.Ordinal));
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(StorePath))!["tokens"]!["device"]!.AsObject().Single().Value!;
        var accessToken = (string)stored["access_token"]!;
        var refreshToken = (string)stored["refresh_token"]!;
        Assert.DoesNotContain(output, l => l.Contains(accessToken, StringComparison.Ordinal) || l.Contains(refreshToken, StringComparison.Ordinal));
        Assert.All(output, l => Assert.Matches("^(open|code|or open|waiting|signed in|expires|refresh|stored in) ", l));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StorePath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(StorePath)!));
        }

        // The other commands find the signed-in user: the stored token, and its exchange for the orders API.
        var token = await RunAsync("token", "device", "--config", ConfigPath, "--show");
        Assert.True(token.Exit == 0, token.Error);
        Assert.Equal(accessToken, Field(token.Output, "token"));
        Assert.Equal("issued (never printed)", Field(token.Output, "refresh"));
        var exchanged = await RunAsync("token", "orders", "--config", ConfigPath, "--show");
        Assert.True(exchanged.Exit == 0, exchanged.Error);
        var introspection = await server.IntrospectAsync(Field(exchanged.Output, "token"));
        Assert.Equal("alice-cli", introspection.GetProperty("sub").GetString());
        Assert.Equal("orders-api", introspection.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task Token_of_an_exchange_of_a_client_token_needs_no_sign_in()
    {
        WriteConfig();

        var (exit, output, error) = await RunAsync("token", "backend-orders", "--config", ConfigPath, "--show");

        Assert.True(exit == 0, error);
        var introspection = await server.IntrospectAsync(Field(output, "token"));
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(OidcProviderServer.SubjectClient, introspection.GetProperty("sub").GetString());
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public async Task Token_of_a_device_provider_before_login_says_how_to_sign_in()
    {
        WriteConfig();

        var (exit, _, error) = await RunAsync("token", "orders", "--config", ConfigPath);

        Assert.Equal(1, exit);
        Assert.Contains("Sign in with: tokenclients login device", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_login_fails_with_one_line_and_stores_nothing()
    {
        WriteConfig();
        using var login = Start("login", "DEVICE", "--config", ConfigPath);
        var userCode = await login.FieldAsync("code");
        await server.DeviceAsync(userCode, "deny");
        var (exit, _, error) = await login.ExitAsync();

        Assert.Equal(1, exit);
        Assert.Single(error);
        Assert.Contains("denied", error[0], StringComparison.Ordinal);
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public async Task Login_of_a_provider_that_is_not_a_device_flow_is_refused()
    {
        WriteConfig();

        var (exit, _, error) = await RunAsync("login", "backend", "--config", ConfigPath);

        Assert.Equal(1, exit);
        Assert.Contains("token provider 'backend' is not of Kind DeviceCode", error, StringComparison.Ordinal);
    }

    private static string Field(IEnumerable<string> lines, string label) =>
        lines.Single(line => line.StartsWith(label + " ", StringComparison.Ordinal))[label.Length..].Trim();

    private async Task<(int Exit, string[] Output, string Error)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var (exit, output, error) = await process.ExitAsync();
        return (exit, output, string.Join('\n', error));
    }

    private CliRun Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(CliPath);
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["TOKENCLIENTS_TOKEN_STORE"] = StorePath;
        return new CliRun(Process.Start(start)!);
    }

    private void WriteConfig()
    {
        var issuer = server.Issuer.AbsoluteUri;
        var providers = new JsonObject
        {
            ["device"] = new JsonObject { ["Kind"] = "DeviceCode", ["Authority"] = issuer, ["ClientId"] = OidcProviderServer.DeviceClient, ["Scope"] = "openid offline_access" },
            ["orders"] = Exchange(issuer, "device"),
            ["backend"] = new JsonObject
            {
                ["Kind"] = "ClientCredentials", ["Authority"] = issuer, ["ClientId"] = OidcProviderServer.SubjectClient, ["ClientSecret"] = OidcProviderServer.ExchangeSecret,
            },
            ["backend-orders"] = Exchange(issuer, "backend"),
        };
        File.WriteAllText(ConfigPath, new JsonObject { ["TokenProviders"] = providers }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonObject Exchange(string issuer, string subjectProvider) => new()
    {
        ["Kind"] = "TokenExchange", ["Authority"] = issuer, ["ClientId"] = OidcProviderServer.ExchangeClient, ["ClientSecret"] = OidcProviderServer.ExchangeSecret,
        ["SubjectTokenProvider"] = subjectProvider, ["Audience"] = "orders-api", ["Scope"] = "api",
    };
}
