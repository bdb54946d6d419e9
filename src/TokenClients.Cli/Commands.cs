using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Cli;

/// <summary>The token, decode and call commands (login is <see cref="LoginCommand"/>). Each writes its result to standard output; problems become one line on standard error.</summary>
internal static class Commands
{
    private const string HttpClientName = "tokenclients";

    /// <summary>Runs a command: its exit code, or 1 with one line on standard error when it fails.</summary>
    public static async Task<int> RunAsync(Func<TextWriter, Task<int>> command)
    {
        try
        {
            return await command(Console.Out).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await Console.Error.WriteLineAsync("tokenclients: " + OneLine(exception)).ConfigureAwait(false);
            return 1;
        }
    }

    public static async Task<int> TokenAsync(TextWriter output, ConfigurationSources sources, string name, bool show, string? scope, CancellationToken cancellationToken)
    {
        var providers = ConfiguredProviders.Load(sources, name);
        await using var disposeProviders = providers.ConfigureAwait(false);
        name = providers.Name;
        var client = providers.Services.GetRequiredKeyedService<ITokenClient>(name);
        if (client.RequiresInteraction && providers.Services.GetKeyedService<IDeviceCodeFlow>(name) is null)
        {
            throw new CliException($"token provider '{name}' holds tokens of users who sign in through the application (authorization code); the command line cannot obtain one");
        }

        // A signed-in person's token, or an exchange (whose subject token comes through the provider): the provider serves
        // it. Any other kind: a fresh token from the token endpoint.
        var tokens = client.RequiresInteraction || string.Equals(providers.KindOf(name), "TokenExchange", StringComparison.OrdinalIgnoreCase)
            ? await FromProviderAsync(providers, name, scope, cancellationToken).ConfigureAwait(false)
            : await client.RequestTokenAsync(new TokenContext(scope: scope), cancellationToken).ConfigureAwait(false);
        var now = TimeProvider.System.GetUtcNow();
        var kind = providers.KindOf(name);
        await output.WriteLineAsync($"provider  {name}{(kind is null ? string.Empty : $" ({kind})")}").ConfigureAwait(false);
        await output.WriteLineAsync($"token     {(show ? tokens.AccessToken : Mask(tokens.AccessToken))}").ConfigureAwait(false);
        // The scheme the handler sends: "bearer" from a server is sent, and printed, as "Bearer".
        await output.WriteLineAsync($"scheme    {new AccessToken(tokens.AccessToken, tokens.TokenType, tokens.ExpiresAt).Scheme}").ConfigureAwait(false);
        await output.WriteLineAsync($"expires   {Describe(tokens.ExpiresAt, now)}").ConfigureAwait(false);
        await output.WriteLineAsync($"scope     {tokens.Scope ?? ScopeClaim(tokens.AccessToken) ?? "(not stated)"}").ConfigureAwait(false);
        await output.WriteLineAsync($"refresh   {(tokens.RefreshToken is null ? "none" : "issued (never printed)")}").ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> DecodeAsync(TextWriter output, string jwt, CancellationToken cancellationToken)
    {
        if (jwt == "-")
        {
            jwt = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var (header, claims) = Jwt.Decode(jwt);
        using (header)
        using (claims)
        {
            await output.WriteLineAsync("header").ConfigureAwait(false);
            await output.WriteLineAsync(Jwt.Indented(header)).ConfigureAwait(false);
            await output.WriteLineAsync("claims").ConfigureAwait(false);
            await output.WriteLineAsync(Jwt.Indented(claims)).ConfigureAwait(false);
            var now = TimeProvider.System.GetUtcNow();
            foreach (var claim in Jwt.TimeClaims)
            {
                if (Jwt.TryReadTime(claims, claim, out var time))
                {
                    await output.WriteLineAsync($"{claim,-4} {Describe(time, now, pastVerb: claim == "exp" ? "expired" : null)}").ConfigureAwait(false);
                }
            }

            await output.WriteLineAsync("The signature was not checked.").ConfigureAwait(false);
        }

        return 0;
    }

    public static async Task<int> CallAsync(TextWriter output, ConfigurationSources sources, string name, string address, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliException("the URL must be an absolute http or https URL");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            throw new CliException("a token travels only over https (plain http is allowed for loopback addresses)");
        }

        var providers = ConfiguredProviders.Load(sources, name, services =>
            services.AddHttpClient(HttpClientName).AddTokenHandler(name, handler => handler.AllowedOrigins.Add(url)));
        await using var disposeProviders = providers.ConfigureAwait(false);
        var http = providers.Services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (SignedInUser.ContextFor(providers, name, scope: null).Subject is { } subject)
        {
            request.WithTokenSubject(subject);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}").ConfigureAwait(false);
        await output.WriteLineAsync(body).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? 0 : 1;
    }

    /// <summary>The provider's token (cached, refreshed, exchanged as configured), with what the store knows of it.</summary>
    private static async Task<TokenSet> FromProviderAsync(ConfiguredProviders providers, string name, string? scope, CancellationToken cancellationToken)
    {
        var context = SignedInUser.ContextFor(providers, name, scope);
        AccessToken token;
        try
        {
            token = await providers.Services.GetRequiredKeyedService<ITokenProvider>(name).GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (InteractionRequiredException exception)
        {
            throw new CliException($"{exception.Message} Sign in with: tokenclients login {SignedInUser.SignInProviderOf(providers, name)}", exception);
        }

        var stored = context.Subject is { } subject ? await providers.Store.GetAsync(name, subject, cancellationToken).ConfigureAwait(false) : null;
        var same = stored is not null && string.Equals(stored.AccessToken, token.Value, StringComparison.Ordinal);
        return new TokenSet { AccessToken = token.Value, TokenType = token.Scheme, ExpiresAt = token.ExpiresAt, Scope = same ? stored!.Scope : null, RefreshToken = stored?.RefreshToken };
    }

    /// <summary>Enough of a token to tell two apart, never enough to use one.</summary>
    internal static string Mask(string token) =>
        token.Length >= 24
            ? $"{token[..6]}… ({token.Length} characters; --show prints it)"
            : $"… ({token.Length} characters; --show prints it)";

    /// <summary>A time and how far it is from now: "(in 5m 0s)", "(3m 2s ago)", or with a verb "(expired 3m 2s ago)".</summary>
    internal static string Describe(DateTimeOffset time, DateTimeOffset now, string? pastVerb = "expired")
    {
        var delta = time - now;
        var text = time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return delta >= TimeSpan.Zero
            ? $"{text} (in {Span(delta)})"
            : $"{text} ({(pastVerb is null ? string.Empty : pastVerb + " ")}{Span(-delta)} ago)";
    }

    internal static string OneLine(Exception exception)
    {
        var text = exception switch
        {
            AggregateException aggregate => string.Join(" ", aggregate.InnerExceptions.Select(OneLine)),
            OptionsValidationException validation => string.Join(" ", validation.Failures),
            CliException or TokenRequestException or HttpRequestException or OperationCanceledException => exception.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string? ScopeClaim(string accessToken)
    {
        try
        {
            var (header, claims) = Jwt.Decode(accessToken);
            using (header)
            using (claims)
            {
                return claims.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && (claims.RootElement.TryGetProperty("scope", out var scope) || claims.RootElement.TryGetProperty("scp", out scope))
                    && scope.ValueKind == System.Text.Json.JsonValueKind.String
                    ? scope.GetString()
                    : null;
            }
        }
        catch (CliException)
        {
            // An opaque token: nothing to read.
            return null;
        }
    }

    private static string Span(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{(int)span.TotalDays}d {span.Hours}h",
        { TotalHours: >= 1 } => $"{span.Hours}h {span.Minutes}m",
        { TotalMinutes: >= 1 } => $"{span.Minutes}m {span.Seconds}s",
        _ => $"{span.Seconds}s",
    };
}
