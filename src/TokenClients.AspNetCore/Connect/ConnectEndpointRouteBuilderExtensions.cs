using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenClients;
using TokenClients.AspNetCore.Connect;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the "connect your account" endpoints.</summary>
public static class ConnectEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the endpoints through which the signed-in user connects (and disconnects) an account of each of
    /// <paramref name="providers"/> (authorization-code providers: <c>UseJustLogin</c>, <c>UseAuthorizationCode</c>), under
    /// <paramref name="prefix"/>:
    /// <list type="bullet">
    /// <item><c>GET {prefix}/{provider}?returnUrl=/path</c> starts a sign-in: redirects to the provider, with the
    /// <c>state</c> bound to this browser (a protected, HttpOnly, SameSite=Lax cookie scoped to the callback path, Secure on
    /// https, valid 10 minutes) and to the signed-in user. <c>returnUrl</c> must be a local path. <c>login_hint</c> and
    /// <c>prompt</c> are passed on.</item>
    /// <item><c>GET {prefix}/{provider}/callback</c> completes it for the signed-in user (a sign-in started by another user
    /// or in another browser is refused), stores the tokens under the user's id, and redirects to <c>returnUrl</c>. Set the
    /// provider's <c>RedirectUri</c> to this address, with the provider's name in lower case.</item>
    /// <item><c>GET {prefix}/status</c> answers JSON <c>{"providers":[{"name":…,"connected":true|false}]}</c>, never a token.</item>
    /// <item><c>POST {prefix}/{provider}/disconnect</c> (anti-forgery token required) removes the user's stored set and
    /// revokes its refresh token where the provider can; then redirects (303) to the form's local <c>returnUrl</c>, or
    /// answers JSON.</item>
    /// </list>
    /// Every endpoint needs a signed-in user; an anonymous request gets the default challenge, and a signed-in user without
    /// an id claim (<c>sub</c>, or <c>NameIdentifier</c>) a 403: signing in again would not give one.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The path the endpoints live under, for example <c>/connect</c>.</param>
    /// <param name="providers">The providers users may connect.</param>
    /// <returns>The route group, for further conventions (authorization policies, rate limits).</returns>
    /// <exception cref="InvalidOperationException">
    /// <c>AddTokenClientsConnect</c> was not called, a provider is not registered or has no authorization-code flow, or a
    /// provider is named <c>status</c>.
    /// </exception>
    public static RouteGroupBuilder MapTokenClientsConnect(this IEndpointRouteBuilder endpoints, string prefix, params string[] providers)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(providers);
        if (providers.Length == 0)
        {
            throw new ArgumentException("Name at least one provider users may connect.", nameof(providers));
        }

        var services = endpoints.ServiceProvider;
        var registry = services.GetService<ConnectRegistry>() ?? throw new InvalidOperationException(
            "MapTokenClientsConnect needs its services: call services.AddTokenClientsConnect() where the services are registered.");
        prefix = "/" + prefix.Trim('/');
        var connectable = new List<ConnectProvider>();
        foreach (var name in providers)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(providers));
            if (string.Equals(name, "status", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"A provider named '{name}' cannot have connect endpoints: {prefix}/status is the status endpoint.");
            }

            if (services.GetKeyedService<IAuthorizationCodeFlow>(name) is null)
            {
                throw new InvalidOperationException(
                    $"Token provider '{name}' cannot be connected: it is not registered, or it has no authorization-code flow (UseJustLogin, UseAuthorizationCode).");
            }

            var provider = new ConnectProvider(name, prefix);
            registry.Add(provider);
            connectable.Add(provider);
        }

        var handlers = new ConnectEndpoints(registry, connectable);
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/status", handlers.StatusAsync);
        group.MapGet("/{provider}", handlers.StartAsync);
        group.MapGet("/{provider}/callback", handlers.CallbackAsync);
        group.MapPost("/{provider}/disconnect", handlers.DisconnectAsync).DisableAntiforgery();
        return group;
    }
}
