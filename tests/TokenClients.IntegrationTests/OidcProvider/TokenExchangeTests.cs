using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// Token exchange (RFC 8693) against oidc-provider with the grant of <c>exchange.mjs</c>, which judges the subject token
/// with the server's own models. The server's introspection of the exchanged token is the verdict: its subject and audience.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed partial class TokenExchangeTests(OidcProviderServer server) : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeLogCollector _logs = new();
    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_subject_providers_token_is_exchanged_for_one_the_server_issues_to_the_audience_for_the_same_subject()
    {
        var services = Start(o => o.SubjectTokenProvider = "backend");
        var exchange = services.GetRequiredKeyedService<ITokenProvider>("orders");

        var token = await exchange.GetTokenAsync().AsTask().WaitAsync(Bound);
        var again = await exchange.GetTokenAsync().AsTask().WaitAsync(Bound);

        var introspection = await server.IntrospectAsync(token.Value);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal("orders-api", introspection.GetProperty("aud").GetString());
        Assert.Equal(OidcProviderServer.SubjectClient, introspection.GetProperty("sub").GetString());
        Assert.Equal(OidcProviderServer.ExchangeClient, introspection.GetProperty("client_id").GetString());
        Assert.Equal("api", introspection.GetProperty("scope").GetString());
        Assert.Same(token, again);
        AssertNothingSecretLogged(token.Value, (await services.GetRequiredKeyedService<ITokenProvider>("backend").GetTokenAsync()).Value);
    }

    [Fact]
    public async Task A_user_signed_in_on_a_device_is_the_subject_of_the_exchanged_token()
    {
        var services = Start(o => o.SubjectTokenProvider = "device");
        var flow = services.GetRequiredKeyedService<IDeviceCodeFlow>("device");
        var authorization = await flow.StartAsync("alice").WaitAsync(Bound);
        var completing = flow.CompleteAsync(authorization);
        await server.DeviceAsync(authorization.UserCode, "approve", account: "alice-at-idp");
        await completing.WaitAsync(Bound);

        var token = await services.GetRequiredKeyedService<ITokenProvider>("orders").GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);

        var introspection = await server.IntrospectAsync(token.Value);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal("alice-at-idp", introspection.GetProperty("sub").GetString());
        Assert.Equal("orders-api", introspection.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task A_subject_token_carried_by_the_request_is_exchanged_and_a_token_the_server_never_issued_is_refused()
    {
        var services = Start(o => { });
        var backend = await services.GetRequiredKeyedService<ITokenProvider>("backend").GetTokenAsync().AsTask().WaitAsync(Bound);
        var exchange = services.GetRequiredKeyedService<ITokenProvider>("orders");

        var token = await exchange.GetTokenAsync(Carrying(backend.Value)).AsTask().WaitAsync(Bound);
        var forged = await Assert.ThrowsAsync<TokenRequestException>(() => exchange.GetTokenAsync(Carrying("forged-" + backend.Value)).AsTask().WaitAsync(Bound));

        Assert.Equal(OidcProviderServer.SubjectClient, (await server.IntrospectAsync(token.Value)).GetProperty("sub").GetString());
        Assert.Equal("invalid_grant", forged.Error);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(backend.Value, forged.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subject_token_revoked_at_the_server_is_replaced_at_its_provider_and_exchanged_anew()
    {
        var services = Start(o => o.SubjectTokenProvider = "backend");
        var backend = services.GetRequiredKeyedService<ITokenProvider>("backend");
        var exchange = services.GetRequiredKeyedService<ITokenProvider>("orders");
        var first = await exchange.GetTokenAsync().AsTask().WaitAsync(Bound);
        var subject = await backend.GetTokenAsync().AsTask().WaitAsync(Bound);
        await server.RevokeSubjectTokenAsync(subject.Value);

        // The API refuses the exchanged token (a 401): it goes; the new exchange finds the subject token revoked.
        await exchange.InvalidateAsync(first);
        var second = await exchange.GetTokenAsync().AsTask().WaitAsync(Bound);

        Assert.NotEqual(first.Value, second.Value);
        Assert.NotEqual(subject.Value, (await backend.GetTokenAsync().AsTask().WaitAsync(Bound)).Value);
        Assert.True((await server.IntrospectAsync(second.Value)).GetProperty("active").GetBoolean());
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Id == 124);
    }

    [Fact]
    public async Task An_actor_token_from_its_provider_is_accepted_by_the_server()
    {
        var services = Start(o => { o.SubjectTokenProvider = "device"; o.ActorTokenProvider = "backend"; });
        var flow = services.GetRequiredKeyedService<IDeviceCodeFlow>("device");
        var authorization = await flow.StartAsync("bob").WaitAsync(Bound);
        var completing = flow.CompleteAsync(authorization);
        await server.DeviceAsync(authorization.UserCode, "approve", account: "bob-at-idp");
        await completing.WaitAsync(Bound);

        var token = await services.GetRequiredKeyedService<ITokenProvider>("orders").GetTokenAsync(TokenContext.ForSubject("bob")).AsTask().WaitAsync(Bound);

        Assert.Equal("bob-at-idp", (await server.IntrospectAsync(token.Value)).GetProperty("sub").GetString());
    }

    private static TokenContext Carrying(string subjectToken) => new(parameters: [new(TokenExchangeOptions.SubjectTokenParameter, subjectToken)]);

    private ServiceProvider Start(Action<TokenExchangeOptions> configure, Action<ITokenProviderBuilder>? exchange = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
        services.AddTokenProvider("backend", p => p.UseClientCredentials(o =>
        {
            o.Authority = server.Issuer;
            o.ClientId = OidcProviderServer.SubjectClient;
            o.ClientSecret = OidcProviderServer.ExchangeSecret;
        }));
        services.AddTokenProvider("device", p => p.UseDeviceCode(o =>
        {
            o.Authority = server.Issuer;
            o.ClientId = OidcProviderServer.DeviceClient;
            o.Scope = "openid offline_access";
        }));
        services.AddTokenProvider("orders", p =>
        {
            p.UseTokenExchange(o =>
            {
                o.Authority = server.Issuer;
                o.ClientId = OidcProviderServer.ExchangeClient;
                o.ClientSecret = OidcProviderServer.ExchangeSecret;
                o.Audience = "orders-api";
                o.Scope = "api";
                configure(o);
            });
            exchange?.Invoke(p);
        });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        return _services;
    }

    private void AssertNothingSecretLogged(params string[] secrets)
    {
        var text = string.Join('\n', _logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception} {string.Join(';', r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])}"));
        Assert.NotEmpty(text);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
