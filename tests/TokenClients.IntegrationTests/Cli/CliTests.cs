using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Cli;

/// <summary>The tokenclients command run as a process against loopback emulators, configured by a temporary appsettings.json.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenclients-cli-").FullName;
    private MluviiEmulator _mluvii = null!;
    private MoodHoodEmulator _moodHood = null!;

    private string ConfigPath => Path.Combine(_directory, "appsettings.json");

    public async Task InitializeAsync()
    {
        _mluvii = await MluviiEmulator.StartAsync();
        _moodHood = await MoodHoodEmulator.StartAsync();
        WriteConfig();
    }

    public async Task DisposeAsync()
    {
        await _mluvii.DisposeAsync();
        await _moodHood.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Token_prints_a_masked_token_its_expiry_and_scope()
    {
        var result = await RunAsync("token", "mluvii", "--config", ConfigPath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Empty(result.Error);
        Assert.Equal("mluvii (Mluvii)", result.Field("provider"));
        Assert.Matches(@"^\S{6}… \(\d+ characters; --show prints it\)$", result.Field("token"));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in (59m \d+s|1h 0m)\)$", result.Field("expires")); // docs/vendors/mluvii.md: "valid for 1 hour"
        Assert.Equal("api", result.Field("scope"));
        Assert.Single(_mluvii.Journal.Requests);
        AssertNoLiveTokenOrSecretIn(result, _mluvii);
    }

    [Fact]
    public async Task Token_with_show_prints_a_live_token()
    {
        var result = await RunAsync("token", "mluvii", "--config", ConfigPath, "--show");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(_mluvii.IsLive(result.Field("token")));
        Assert.DoesNotContain("demo-secret", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_of_a_two_stage_vendor_is_the_user_token()
    {
        var result = await RunAsync("token", "moodhood", "--config", ConfigPath, "--show");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(_moodHood.IsLive(result.Field("token")));
        Assert.Equal(["client_credentials", "password"], _moodHood.Journal.Requests.Select(r => r.GrantType));
        Assert.DoesNotContain("alice-password", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_prints_the_header_and_claims_of_a_token()
    {
        var token = (await RunAsync("token", "mluvii", "--config", ConfigPath, "--show")).Field("token");

        var result = await RunAsync("decode", token);

        Assert.True(result.ExitCode == 0, result.Error);
        var text = result.Output;
        var header = JsonNode.Parse(text[(text.IndexOf("header\n", StringComparison.Ordinal) + 7)..text.IndexOf("claims\n", StringComparison.Ordinal)])!;
        Assert.NotNull(header["alg"]);
        Assert.Contains("\"exp\":", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^exp  \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in ", text);
        Assert.EndsWith("The signature was not checked.", text.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_prints_the_scheme_the_handler_sends_whatever_case_the_server_used()
    {
        await using var oli = await OliEmulator.StartAsync(); // answers token_type "bearer", as docs/vendors/oli.md shows
        var json = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        json["TokenProviders"]!["oli"] = JsonNode.Parse($$"""{ "Kind": "Oli", "ServerAddress": "{{oli.BaseAddress}}", "Username": "alice", "Password": "alice-password" }""");
        await File.WriteAllTextAsync(ConfigPath, json.ToJsonString());

        var result = await RunAsync("token", "oli", "--config", ConfigPath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("Bearer", result.Field("scheme"));
        Assert.DoesNotContain("bearer", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_says_ago_for_past_issue_and_not_before_times_and_expired_only_for_a_past_expiry()
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var claims = string.Create(CultureInfo.InvariantCulture, $$"""{"iat":{{now - 7200}},"nbf":{{now - 7200}},"exp":{{now - 3600}}}""");
        var jwt = Part("""{"alg":"none"}""") + "." + Part(claims) + ".";

        var result = await RunAsync("decode", jwt);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"(?m)^iat  \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \((2h 0m|1h 59m) ago\)$", result.Output);
        Assert.Matches(@"(?m)^nbf  \S+ \S+ \((2h 0m|1h 59m) ago\)$", result.Output);
        Assert.Matches(@"(?m)^exp  \S+ \S+ \(expired (1h 0m|59m \d+s) ago\)$", result.Output);
    }

    [Fact]
    public async Task Help_names_the_command_users_type()
    {
        var root = await RunAsync("--help");
        var token = await RunAsync("token", "--help");

        Assert.True(root.ExitCode == 0, root.Error);
        Assert.Contains("tokenclients [command] [options]", root.OutputLines);
        Assert.Contains("tokenclients token <name> [options]", token.OutputLines);
        Assert.DoesNotContain("TokenClients.Cli", root.Output + token.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_may_come_from_the_user_secrets_named_on_the_command_line()
    {
        var home = await WithoutSecretInFileAndWithUserSecretsAsync("tokenclients-cli-test-1");

        var result = await CliProcess.RunAsync(["token", "mluvii", "--config", ConfigPath, "--show", "--user-secrets-id", "tokenclients-cli-test-1"], Home(home));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(_mluvii.IsLive(result.Field("token")));
    }

    [Fact]
    public async Task Secrets_may_come_from_the_user_secrets_of_the_project_beside_the_configuration_file()
    {
        var home = await WithoutSecretInFileAndWithUserSecretsAsync("9f0c1e52-3b1a-4c57-9d8e-2a6f4b1c7d30");
        await File.WriteAllTextAsync(Path.Combine(_directory, "Orders.Api.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <UserSecretsId>9f0c1e52-3b1a-4c57-9d8e-2a6f4b1c7d30</UserSecretsId>
              </PropertyGroup>
            </Project>
            """);

        var result = await CliProcess.RunAsync(["token", "mluvii", "--config", ConfigPath, "--show"], Home(home));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(_mluvii.IsLive(result.Field("token")));
    }

    [Fact]
    public async Task Environment_variables_override_user_secrets()
    {
        var home = await WithoutSecretInFileAndWithUserSecretsAsync("tokenclients-cli-test-2");
        var environment = new Dictionary<string, string>(Home(home)) { ["TokenProviders__mluvii__ClientSecret"] = "wrong-secret-77c1" };

        var result = await CliProcess.RunAsync(["token", "mluvii", "--config", ConfigPath, "--user-secrets-id", "tokenclients-cli-test-2"], environment);

        AssertOneLineError(result, "tokenclients: Token request for provider 'mluvii' failed: HTTP 400 BadRequest, error 'invalid_client'");
    }

    [Fact]
    public async Task Decode_reads_the_token_from_standard_input()
    {
        var token = (await RunAsync("token", "mluvii", "--config", ConfigPath, "--show")).Field("token");

        var result = await CliProcess.RunAsync(["decode", "-"], input: token + "\n");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("claims", result.OutputLines);
    }

    [Fact]
    public async Task Call_sends_one_get_with_the_token_and_prints_the_status_and_body()
    {
        var result = await RunAsync("call", "mluvii", _mluvii.ApiEndpoint.AbsoluteUri, "--config", ConfigPath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("200 OK", result.OutputLines[0]);
        Assert.Equal("demo-client", JsonNode.Parse(result.OutputLines[1])!["subject"]!.GetValue<string>());
        Assert.Equal(1, _mluvii.ApiCallCount);
        Assert.Equal(0, _mluvii.ApiUnauthorizedCount);
    }

    [Fact]
    public async Task Call_answered_401_prints_it_and_fails()
    {
        var result = await RunAsync("call", "mluvii", _moodHood.ApiEndpoint.AbsoluteUri, "--config", ConfigPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("401 Unauthorized", result.OutputLines[0]);
    }

    [Fact]
    public async Task Unknown_provider_name_is_one_line_on_stderr_and_a_failure()
    {
        var result = await RunAsync("token", "crm", "--config", ConfigPath);

        AssertOneLineError(result, $"tokenclients: '{ConfigPath}' configures no token provider named 'crm'; it has mluvii, moodhood");
    }

    [Theory]
    [InlineData("""{"TokenProviders":{"mluvii":{"Kind":"Foo"}}}""", "tokenclients: TokenProviders:mluvii: Kind 'Foo' is not one of Mluvii, MoodHood,")]
    [InlineData("""{"TokenProviders":{"mluvii":{"Kind":"Mluvii","ClientId":"demo-client","ClientSecret":"demo-secret","Cache":{"ClockSkew":"later"}}}}""",
        "tokenclients: TokenProviders:mluvii:Cache:ClockSkew must be a time span")]
    [InlineData("""{"TokenProviders":{"mluvii":{"Kind":"Mluvii","ClientSecret":"demo-secret"}}}""", "tokenclients: TokenProviders:mluvii:ClientId is required.")]
    [InlineData("""{"TokenProviders":""", "tokenclients: '{config}' is not valid JSON")]
    [InlineData("""{"Logging":{}}""", "tokenclients: '{config}' has no TokenProviders section")]
    public async Task Bad_configuration_is_one_line_on_stderr_and_a_failure(string json, string expected)
    {
        await File.WriteAllTextAsync(ConfigPath, json);

        var result = await RunAsync("token", "mluvii", "--config", ConfigPath);

        AssertOneLineError(result, expected.Replace("{config}", ConfigPath, StringComparison.Ordinal));
        Assert.DoesNotContain("demo-secret", result.Error, StringComparison.Ordinal);
        Assert.Empty(_mluvii.Journal.Requests);
    }

    [Fact]
    public async Task Missing_configuration_file_is_one_line_on_stderr()
    {
        var result = await RunAsync("token", "mluvii", "--config", Path.Combine(_directory, "absent.json"));

        AssertOneLineError(result, "tokenclients: the configuration file");
    }

    [Fact]
    public async Task Refused_credentials_are_one_line_without_the_secret()
    {
        var result = await CliProcess.RunAsync(["token", "mluvii", "--config", ConfigPath], new Dictionary<string, string> { ["TokenProviders__mluvii__ClientSecret"] = "wrong-secret-3f9a" });

        AssertOneLineError(result, "tokenclients: Token request for provider 'mluvii' failed: HTTP 400 BadRequest, error 'invalid_client'");
        Assert.DoesNotContain("wrong-secret-3f9a", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_may_come_from_environment_variables()
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        json["TokenProviders"]!["mluvii"]!.AsObject().Remove("ClientSecret");
        await File.WriteAllTextAsync(ConfigPath, json.ToJsonString());

        var result = await CliProcess.RunAsync(["token", "mluvii", "--config", ConfigPath, "--show"], new Dictionary<string, string> { ["TokenProviders__mluvii__ClientSecret"] = "demo-secret" });

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(_mluvii.IsLive(result.Field("token")));
    }

    [Theory]
    [InlineData("decode", "not-a-jwt", "tokenclients: not a JWT: expected three dot-separated parts")]
    [InlineData("decode", "YWJj.e30.c", "tokenclients: not a JWT: the header part is not JSON")]
    [InlineData("decode", "e30.&&.c", "tokenclients: not a JWT: the claims part is not base64url")]
    [InlineData("token", null, "tokenclients: Required argument missing for command: 'token'.")]
    public async Task Usage_errors_are_one_line_on_stderr(string command, string? argument, string expected)
    {
        var result = await CliProcess.RunAsync(argument is null ? [command] : [command, argument]);

        AssertOneLineError(result, expected);
    }

    [Fact]
    public async Task Call_refuses_plain_http_off_loopback()
    {
        var result = await RunAsync("call", "mluvii", "http://api.example/items", "--config", ConfigPath);

        AssertOneLineError(result, "tokenclients: a token travels only over https");
        Assert.Empty(_mluvii.Journal.Requests);
    }

    private static void AssertOneLineError(CliResult result, string expectedStart)
    {
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    private static void AssertNoLiveTokenOrSecretIn(CliResult result, TokenEndpointEmulator emulator)
    {
        foreach (var word in (result.Output + " " + result.Error).Split([' ', '\n', '\r', '(', ')', '…'], StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.False(emulator.IsLive(word), "A live token was printed without --show.");
        }

        Assert.DoesNotContain("demo-secret", result.Output + result.Error, StringComparison.Ordinal);
    }

    private static Task<CliResult> RunAsync(params string[] arguments) => CliProcess.RunAsync(arguments);

    private static Dictionary<string, string> Home(string home) => new() { ["HOME"] = home };

    /// <summary>Moves the client secret from appsettings.json to user secrets, where `dotnet user-secrets set` keeps them on Linux and macOS.</summary>
    private async Task<string> WithoutSecretInFileAndWithUserSecretsAsync(string userSecretsId)
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        json["TokenProviders"]!["mluvii"]!.AsObject().Remove("ClientSecret");
        await File.WriteAllTextAsync(ConfigPath, json.ToJsonString());

        var home = Directory.CreateDirectory(Path.Combine(_directory, "home")).FullName;
        var secrets = Directory.CreateDirectory(Path.Combine(home, ".microsoft", "usersecrets", userSecretsId)).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "secrets.json"), """{ "TokenProviders:mluvii:ClientSecret": "demo-secret" }""");
        return home;
    }

    private void WriteConfig() => File.WriteAllText(ConfigPath, $$"""
        {
          "TokenProviders": {
            "mluvii": { "Kind": "Mluvii", "BaseAddress": "{{_mluvii.BaseAddress}}", "ClientId": "demo-client", "ClientSecret": "demo-secret" },
            "moodhood": { "Kind": "MoodHood", "BaseAddress": "{{_moodHood.BaseAddress}}", "ClientId": "demo-client", "ClientSecret": "demo-secret",
                          "Username": "alice", "Password": "alice-password" }
          }
        }
        """);
}
