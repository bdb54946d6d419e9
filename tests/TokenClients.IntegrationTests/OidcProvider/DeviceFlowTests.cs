using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// The device authorization grant (RFC 8628) against oidc-provider's <c>features.deviceFlow</c>: the server issues the
/// codes, its grant handler answers the polls, and its introspection judges the tokens. The person at the verification
/// page is played by the test route of <c>device.mjs</c>.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed partial class DeviceFlowTests(OidcProviderServer server) : IAsyncDisposable
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
    public async Task Approved_device_sign_in_stores_tokens_the_server_judges_active_for_the_user_and_the_provider_serves_them()
    {
        var (flow, provider) = Start();

        var authorization = await flow.StartAsync("alice-device").WaitAsync(Bound);
        Assert.Equal(new Uri(server.Issuer, "/device"), authorization.VerificationUri);
        Assert.Contains(authorization.UserCode, authorization.VerificationUriComplete!.Query, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), authorization.Interval);
        var completing = flow.CompleteAsync(authorization);
        await server.DeviceAsync(authorization.UserCode, "approve", account: "alice");
        var result = await completing.WaitAsync(Bound);

        var introspection = await server.IntrospectAsync(result.Tokens.AccessToken);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal("alice", introspection.GetProperty("sub").GetString());
        Assert.Equal(OidcProviderServer.DeviceClient, introspection.GetProperty("client_id").GetString());
        Assert.NotNull(result.Tokens.RefreshToken);
        Assert.Equal(result.Tokens.AccessToken, (await provider.GetTokenAsync(TokenContext.ForSubject("alice-device")).AsTask().WaitAsync(Bound)).Value);
        AssertNothingSecretLogged(authorization, result.Tokens);
    }

    [Fact]
    public async Task Denied_device_sign_in_ends_with_access_denied_from_the_server_and_stores_nothing()
    {
        var (flow, _) = Start();
        var authorization = await flow.StartAsync("bob").WaitAsync(Bound);

        var completing = flow.CompleteAsync(authorization);
        await server.DeviceAsync(authorization.UserCode, "deny");
        var error = await Assert.ThrowsAsync<DeviceCodeFlowException>(() => completing.WaitAsync(Bound));

        Assert.Equal(DeviceCodeFailure.AccessDenied, error.Failure);
        Assert.Equal("access_denied", error.Error);
        Assert.Null(await _services!.GetRequiredService<ITokenStore>().GetAsync("device", "bob"));
        AssertNothingSecretLogged(authorization, null);
    }

    [Fact]
    public async Task Slow_down_from_the_server_widens_the_interval_by_five_seconds()
    {
        var (flow, _) = Start();
        var authorization = await flow.StartAsync("carol").WaitAsync(Bound);
        await server.DeviceAsync(authorization.UserCode, "slow_down");

        var completing = flow.CompleteAsync(authorization);
        await WaitForPollsAsync(authorization.UserCode, 1);
        await server.DeviceAsync(authorization.UserCode, "approve", account: "carol");
        await completing.WaitAsync(Bound);

        // The server's own clock: the poll after slow_down came no sooner than the 1-second interval plus 5 seconds.
        var polls = await server.DevicePollsAsync(authorization.UserCode);
        Assert.Equal(2, polls.Count);
        Assert.InRange(polls[1] - polls[0], TimeSpan.FromSeconds(5.9), TimeSpan.FromSeconds(15));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Id == 121);
    }

    [Fact]
    public async Task Expired_token_from_the_server_ends_with_a_typed_failure()
    {
        var (flow, _) = Start();
        var authorization = await flow.StartAsync("dave").WaitAsync(Bound);
        await server.DeviceAsync(authorization.UserCode, "expire");

        var error = await Assert.ThrowsAsync<DeviceCodeFlowException>(() => flow.CompleteAsync(authorization).WaitAsync(Bound));

        Assert.Equal(DeviceCodeFailure.Expired, error.Failure);
        Assert.Equal("expired_token", error.Error);
    }

    private async Task WaitForPollsAsync(string userCode, int count)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while ((await server.DevicePollsAsync(userCode)).Count < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, timeout.Token);
        }
    }

    private (IDeviceCodeFlow Flow, ITokenProvider Provider) Start(Action<DeviceCodeOptions>? configure = null, Action<ITokenProviderBuilder>? provider = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
        services.AddTokenProvider("device", p =>
        {
            p.UseDeviceCode(o =>
            {
                o.Authority = server.Issuer;
                o.ClientId = OidcProviderServer.DeviceClient;
                o.Scope = "openid offline_access";
                configure?.Invoke(o);
            });
            provider?.Invoke(p);
        });
        _services = services.BuildServiceProvider();
        return (_services.GetRequiredKeyedService<IDeviceCodeFlow>("device"), _services.GetRequiredKeyedService<ITokenProvider>("device"));
    }

    private void AssertNothingSecretLogged(DeviceAuthorization authorization, TokenSet? tokens)
    {
        var text = string.Join('\n', _logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception} {string.Join(';', r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])}"));
        Assert.NotEmpty(text);
        Assert.DoesNotContain(authorization.DeviceCode, text, StringComparison.Ordinal);
        Assert.DoesNotContain(authorization.UserCode, text, StringComparison.Ordinal);
        if (tokens is not null)
        {
            Assert.DoesNotContain(tokens.AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(tokens.RefreshToken!, text, StringComparison.Ordinal);
        }
    }
}
