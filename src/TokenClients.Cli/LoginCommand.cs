using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.Cli;

/// <summary>
/// <c>tokenclients login NAME</c>: signs the person at the command line in through the device flow (RFC 8628) of a
/// <c>DeviceCode</c> provider, and keeps the token set in the <see cref="FileTokenStore"/> for the other commands.
/// </summary>
internal static class LoginCommand
{
    public static async Task<int> RunAsync(TextWriter output, ConfigurationSources sources, string name, CancellationToken cancellationToken)
    {
        var providers = ConfiguredProviders.Load(sources, name);
        await using var disposeProviders = providers.ConfigureAwait(false);
        name = providers.Name;
        var flow = providers.Services.GetKeyedService<IDeviceCodeFlow>(name)
            ?? throw new CliException($"token provider '{name}' is not of Kind DeviceCode; login signs in through the device flow");

        var authorization = await flow.StartAsync(SignedInUser.Subject, cancellationToken).ConfigureAwait(false);
        var now = TimeProvider.System.GetUtcNow();

        // What the person needs, and nothing more: the device code stays with the token endpoint.
        await output.WriteLineAsync($"open      {authorization.VerificationUri}").ConfigureAwait(false);
        await output.WriteLineAsync($"code      {authorization.UserCode}").ConfigureAwait(false);
        if (authorization.VerificationUriComplete is { } complete)
        {
            await output.WriteLineAsync($"or open   {complete}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"waiting   until {Commands.Describe(authorization.ExpiresAt, now)} for the sign-in to be approved (Ctrl+C stops)").ConfigureAwait(false);
        var result = await flow.CompleteAsync(authorization, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"signed in {name} as {result.Subject}").ConfigureAwait(false);
        await output.WriteLineAsync($"expires   {Commands.Describe(result.Tokens.ExpiresAt, TimeProvider.System.GetUtcNow())}").ConfigureAwait(false);
        await output.WriteLineAsync($"refresh   {(result.Tokens.RefreshToken is null ? "none (sign in again when the token expires)" : "issued (never printed)")}").ConfigureAwait(false);
        await output.WriteLineAsync($"stored in {providers.Store.Path}").ConfigureAwait(false);
        return 0;
    }
}
