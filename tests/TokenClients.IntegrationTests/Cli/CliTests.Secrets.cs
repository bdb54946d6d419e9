using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.Cli;

/// <content>Where the command finds secrets: user secrets named or beside the configuration, environment variables over both.</content>
public sealed partial class CliTests
{
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
    public async Task Secrets_may_come_from_environment_variables()
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        json["TokenProviders"]!["mluvii"]!.AsObject().Remove("ClientSecret");
        await File.WriteAllTextAsync(ConfigPath, json.ToJsonString());

        var result = await CliProcess.RunAsync(["token", "mluvii", "--config", ConfigPath, "--show"], new Dictionary<string, string> { ["TokenProviders__mluvii__ClientSecret"] = "demo-secret" });

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(_mluvii.IsLive(result.Field("token")));
    }

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
}
