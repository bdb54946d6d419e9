using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Cli;

/// <summary>The tokenclients command run as a process against loopback emulators, configured by a temporary appsettings.json.</summary>
public sealed partial class CliTests : IAsyncLifetime
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
    public async Task Provider_name_is_case_insensitive_as_in_the_library()
    {
        var result = await RunAsync("token", "MLUVII", "--config", ConfigPath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("mluvii (Mluvii)", result.Field("provider"));
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

    private static void AssertNoLiveTokenOrSecretIn(CliResult result, TokenEndpointEmulator emulator)
    {
        foreach (var word in (result.Output + " " + result.Error).Split([' ', '\n', '\r', '(', ')', '…'], StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.False(emulator.IsLive(word), "A live token was printed without --show.");
        }

        Assert.DoesNotContain("demo-secret", result.Output + result.Error, StringComparison.Ordinal);
    }

    private static Task<CliResult> RunAsync(params string[] arguments) => CliProcess.RunAsync(arguments);

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
