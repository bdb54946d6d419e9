using System.CommandLine;
using System.CommandLine.Help;
using TokenClients.Cli;

var nameArgument = new Argument<string>("name") { Description = "The provider's name: its key under TokenProviders." };
var configOption = new Option<string>("--config", "-c")
{
    Description = "The JSON configuration file with a TokenProviders section; environment variables (TokenProviders__NAME__KEY) override it.",
    DefaultValueFactory = _ => "appsettings.json",
};

var userSecretsOption = new Option<string?>("--user-secrets-id")
{
    Description = "Read these user secrets (dotnet user-secrets) over the file; by default those of the project file beside it, if it has a UserSecretsId.",
};

var showOption = new Option<bool>("--show") { Description = "Print the whole token instead of its first characters." };
var scopeOption = new Option<string?>("--scope") { Description = "Ask for this scope instead of the configured one." };
var token = new Command("token", "Get a token from a configured provider and print it (masked unless --show), its expiry and scope.")
{
    nameArgument, configOption, userSecretsOption, showOption, scopeOption,
};
token.SetAction((parsed, cancellationToken) => Commands.RunAsync(output => Commands.TokenAsync(
    output, Sources(parsed), parsed.GetValue(nameArgument)!, parsed.GetValue(showOption), parsed.GetValue(scopeOption), cancellationToken)));

var jwtArgument = new Argument<string>("jwt") { Description = "The JWT, or - to read it from standard input." };
var decode = new Command("decode", "Print a JWT's header and claims (the signature is not checked).") { jwtArgument };
decode.SetAction((parsed, cancellationToken) => Commands.RunAsync(output => Commands.DecodeAsync(output, parsed.GetValue(jwtArgument)!, cancellationToken)));

var urlArgument = new Argument<string>("url") { Description = "The absolute URL to GET." };
var call = new Command("call", "Send one GET with the provider's token and print the status and the body; exits 1 unless the status is 2xx.")
{
    nameArgument, urlArgument, configOption, userSecretsOption,
};
call.SetAction((parsed, cancellationToken) => Commands.RunAsync(output => Commands.CallAsync(
    output, Sources(parsed), parsed.GetValue(nameArgument)!, parsed.GetValue(urlArgument)!, cancellationToken)));

var login = new Command("login", "Sign in through the device flow of a DeviceCode provider: prints where to go and the code to enter, waits for the approval, and keeps the tokens for the other commands.")
{
    nameArgument, configOption, userSecretsOption,
};
login.SetAction((parsed, cancellationToken) => Commands.RunAsync(output => LoginCommand.RunAsync(
    output, Sources(parsed), parsed.GetValue(nameArgument)!, cancellationToken)));

// Named for the command users type, not for the file that runs (a RootCommand takes the name of its executable).
var root = new Command("tokenclients", "Tokens from the providers in appsettings.json, JWT decoding, and API calls with a token.")
{
    token, login, decode, call, new HelpOption(), new VersionOption(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line, like every other error: the first problem and where to look.
    await Console.Error.WriteLineAsync($"tokenclients: {parsed.Errors[0].Message} (see tokenclients --help)").ConfigureAwait(false);
    return 2;
}

return await parsed.InvokeAsync().ConfigureAwait(false);

ConfigurationSources Sources(ParseResult parsed) => new(parsed.GetValue(configOption)!, parsed.GetValue(userSecretsOption));
