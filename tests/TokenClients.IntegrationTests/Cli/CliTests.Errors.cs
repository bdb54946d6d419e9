namespace TokenClients.IntegrationTests.Cli;

/// <content>Failures: one line on stderr, a non-zero exit, no secret.</content>
public sealed partial class CliTests
{
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
}
