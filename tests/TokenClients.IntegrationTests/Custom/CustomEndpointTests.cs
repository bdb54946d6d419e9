using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Custom;

/// <summary>
/// <c>UseCustom</c> against the standard OAuth2 emulator bent into each non-standard shape, over real HTTP: every shape
/// goes through caching (twenty calls, one token request), expiry (the fake clock shared by both sides) and renewal.
/// </summary>
public sealed class CustomEndpointTests : IDisposable
{
    private const string Name = "custom";
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

    // Real time: a request stuck behind a fake-clock delay fails the test instead of hanging it.
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(10));

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public async Task Json_body_is_cached_and_refreshed_with_a_json_refresh_request()
    {
        await using var endpoint = await StartAsync(s => s.AcceptedEncodings = EmulatorRequestEncodings.Json, c =>
        {
            c.Encoding = RequestEncoding.Json;
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");

        Assert.Collection(endpoint.Emulator.Journal.TokenRequests,
            login =>
            {
                Assert.StartsWith("application/json", login.ContentType, StringComparison.Ordinal);
                Assert.Equal("password", login.Json["grant_type"]);
                Assert.Equal("demo-client", login.Json["client_id"]);
                Assert.Equal("alice", login.Json["username"]);
                Assert.Empty(login.Form);
            },
            refresh =>
            {
                Assert.StartsWith("application/json", refresh.ContentType, StringComparison.Ordinal);
                Assert.Equal("refresh_token", refresh.Json["grant_type"]);
                Assert.False(string.IsNullOrEmpty(refresh.Json["refresh_token"]));
            });
    }

    [Fact]
    public async Task Query_string_with_camel_case_names_is_cached_and_refreshed()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.AcceptedEncodings = EmulatorRequestEncodings.Query;
            CamelCase(s.ParameterNames);
        }, c =>
        {
            c.Encoding = RequestEncoding.Query;
            CamelCase(c.ParameterNames);
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");

        Assert.Collection(endpoint.Emulator.Journal.TokenRequests,
            login =>
            {
                Assert.Equal(string.Empty, login.Body);
                Assert.Equal("demo-client", login.Query["clientId"]);
                Assert.Equal("password", login.Query["grantType"]);
                Assert.False(login.Query.ContainsKey("client_id"));
                Assert.False(login.Query.ContainsKey("grant_type"));
            },
            refresh =>
            {
                Assert.Equal("refresh_token", refresh.Query["grantType"]);
                Assert.False(string.IsNullOrEmpty(refresh.Query["refreshToken"]));
            });
    }

    [Fact]
    public async Task Standard_names_are_refused_by_a_camel_case_endpoint()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.AcceptedEncodings = EmulatorRequestEncodings.Query;
            CamelCase(s.ParameterNames);
        }, c =>
        {
            c.Encoding = RequestEncoding.Query;
            UsePassword(c);
        });

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => endpoint.TokenAsync().AsTask());

        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Equal("invalid_request", exception.Error);
        Assert.DoesNotContain("alice-password", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrapped_data_response_is_read_cached_and_refreshed()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.TokenPath = "data";
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.Response.TokenPath = "data";
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Wrapped_response_read_at_the_root_is_a_typed_error()
    {
        await using var endpoint = await StartAsync(s => s.TokenPath = "data", UsePassword);

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => endpoint.TokenAsync().AsTask());

        Assert.Equal(HttpStatusCode.OK, exception.StatusCode);
        Assert.Contains("access_token", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EmulatorExpiryFormat.Seconds, ExpiryFormat.Seconds)]
    [InlineData(EmulatorExpiryFormat.SecondsAsString, ExpiryFormat.Seconds)]
    [InlineData(EmulatorExpiryFormat.UnixTimeSeconds, ExpiryFormat.UnixTimeSeconds)]
    [InlineData(EmulatorExpiryFormat.DateTime, ExpiryFormat.DateTime)]
    public async Task Expiry_in_each_format_sets_the_lifetime_and_drives_the_refresh(EmulatorExpiryFormat written, ExpiryFormat read)
    {
        // Opaque tokens: no JWT exp to fall back on, so only the field can give the hour (the default lifetime is 5 minutes).
        await using var endpoint = await StartAsync(s =>
        {
            s.ExpiryFormat = written;
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.Response.ExpiryFormat = read;
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Expires_field_instead_of_expires_in_sets_the_lifetime()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.ExpiryField = "expires";
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.Response.ExpiresIn = "expires";
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Expiry_absent_from_the_answer_comes_from_the_jwt_exp()
    {
        await using var endpoint = await StartAsync(s => s.ExpiryFormat = EmulatorExpiryFormat.Absent, UsePassword);

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Expiry_absent_and_no_jwt_uses_the_default_lifetime()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.ExpiryFormat = EmulatorExpiryFormat.Absent;
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.DefaultTokenLifetime = TimeSpan.FromMinutes(10);
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, TimeSpan.FromMinutes(10), "refresh_token");
    }

    [Fact]
    public async Task Description_shaped_errors_become_typed_exceptions()
    {
        await using var endpoint = await StartAsync(s => s.ErrorShape = EmulatorErrorShape.Description, c =>
        {
            c.Response.ErrorDescription = "description";
            UsePassword(c);
            c.Password = "wrong-password-9d3e";
        });

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => endpoint.CallApiAsync());

        Assert.Equal(Name, exception.ProviderName);
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Null(exception.Error);
        Assert.Equal("Invalid username or password", exception.ErrorDescription);
        Assert.Contains("Invalid username or password", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-9d3e", exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, endpoint.Emulator.ApiCallCount);
    }

    [Fact]
    public async Task Description_shaped_refresh_refusal_falls_back_to_the_password_grant()
    {
        await using var endpoint = await StartAsync(s => s.ErrorShape = EmulatorErrorShape.Description, c =>
        {
            c.Response.ErrorDescription = "description";
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
        endpoint.Emulator.RevokeRefreshTokens();
        _time.Advance(Hour + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());

        Assert.Contains(endpoint.Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 400);
        Assert.Equal(2, endpoint.Emulator.Journal.CountGrant("password"));
    }

    [Fact]
    public async Task Client_credentials_without_a_refresh_token_are_requested_again_past_expiry()
    {
        await using var endpoint = await StartAsync(_ => { }, _ => { });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "client_credentials");

        Assert.Equal(2, endpoint.Emulator.Journal.CountGrant("client_credentials"));
        Assert.All(endpoint.Emulator.Journal.TokenRequests, r => Assert.Equal("demo-secret", r.Form["client_secret"]));
    }

    [Fact]
    public async Task Client_secret_basic_placement_is_accepted()
    {
        await using var endpoint = await StartAsync(_ => { }, c => c.ClientCredentials = ClientCredentialPlacement.Basic);

        await AssertCachedThenRenewedAsync(endpoint, Hour, "client_credentials");

        Assert.All(endpoint.Emulator.Journal.TokenRequests, r =>
        {
            Assert.StartsWith("Basic ", r.Headers["Authorization"], StringComparison.Ordinal);
            Assert.False(r.Form.ContainsKey("client_secret"));
        });
    }

    [Fact]
    public async Task Bearer_token_from_another_provider_is_sent_and_replaced_once_when_refused()
    {
        // Two stages, MoodHood-style: a client token from one endpoint, then user tokens requested with it as Bearer.
        await using var clientStage = await StandardOAuth2Emulator.StartAsync(
            new StandardOAuth2EmulatorOptions { TimeProvider = _time, AccessTokenLifetime = TimeSpan.FromDays(1) }, _deadline.Token);
        await using var endpoint = await StartAsync(s => s.BearerTokenValidator = clientStage.IsLive, c =>
        {
            UsePassword(c);
            c.BearerTokenProvider = "client-stage";
        }, services => services.AddTokenProvider("client-stage", p => p.UseCustom(c =>
        {
            c.TokenEndpoint = clientStage.TokenEndpoint;
            c.ClientId = "demo-client";
            c.ClientSecret = "demo-secret";
        })));

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
        var clientToken = await endpoint.Services.GetRequiredKeyedService<ITokenProvider>("client-stage").GetTokenAsync(cancellationToken: _deadline.Token);
        Assert.Equal("Bearer " + clientToken.Value, endpoint.Emulator.Journal.TokenRequests[0].Headers["Authorization"]);
        Assert.Equal(1, clientStage.Journal.CountGrant("client_credentials"));

        // The client token dies and the user token must be requested anew: the 401 replaces the client token once.
        clientStage.RevokeAccessTokens();
        endpoint.Emulator.RevokeRefreshTokens();
        _time.Advance(Hour + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());

        Assert.Equal(2, clientStage.Journal.CountGrant("client_credentials"));
        Assert.Contains(endpoint.Emulator.Journal.TokenRequests, r => r.GrantType == "password" && r.StatusCode == 401);
        Assert.Equal(2, endpoint.Emulator.Journal.CountGrant("password"));
    }

    private static void UsePassword(CustomTokenOptions options)
    {
        options.GrantType = "password";
        options.Username = "alice";
        options.Password = "alice-password";
    }

    private static void CamelCase(IDictionary<string, string> names)
    {
        names["client_id"] = "clientId";
        names["client_secret"] = "clientSecret";
        names["grant_type"] = "grantType";
        names["refresh_token"] = "refreshToken";
    }

    private async Task<Endpoint> StartAsync(Action<StandardOAuth2EmulatorOptions> server, Action<CustomTokenOptions> client, Action<IServiceCollection>? more = null)
    {
        var options = new StandardOAuth2EmulatorOptions { TimeProvider = _time };
        server(options);
        var emulator = await StandardOAuth2Emulator.StartAsync(options, _deadline.Token);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        more?.Invoke(services);
        services.AddTokenProvider(Name, p => p.UseCustom(c =>
        {
            c.TokenEndpoint = emulator.TokenEndpoint;
            c.ClientId = "demo-client";
            c.ClientSecret = "demo-secret";
            client(c);
        }));
        services.AddHttpClient("api", c => c.BaseAddress = emulator.BaseAddress).AddTokenHandler(Name);
        return new Endpoint(emulator, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), _deadline.Token);
    }

    /// <summary>Twenty calls cost one token request; past expiry the renewal grant runs before the call, so the API never sees a dead token.</summary>
    private async Task AssertCachedThenRenewedAsync(Endpoint endpoint, TimeSpan lifetime, string renewalGrant)
    {
        var token = await endpoint.TokenAsync();
        Assert.Equal(_time.GetUtcNow() + lifetime, token.ExpiresAt);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());
        }

        var requests = endpoint.Emulator.Journal.TokenRequests.Count;
        Assert.Equal(1, requests);
        var renewals = endpoint.Emulator.Journal.CountGrant(renewalGrant);

        _time.Advance(lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());

        Assert.Equal(renewals + 1, endpoint.Emulator.Journal.CountGrant(renewalGrant));
        Assert.Equal(requests + 1, endpoint.Emulator.Journal.TokenRequests.Count);
        Assert.Equal(0, endpoint.Emulator.ApiUnauthorizedCount);
    }

    private sealed class Endpoint(StandardOAuth2Emulator emulator, ServiceProvider services, CancellationToken deadline) : IAsyncDisposable
    {
        public StandardOAuth2Emulator Emulator => emulator;

        public ServiceProvider Services => services;

        public async Task<HttpStatusCode> CallApiAsync()
        {
            using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(emulator.ApiEndpoint, deadline);
            return response.StatusCode;
        }

        public ValueTask<AccessToken> TokenAsync() => services.GetRequiredKeyedService<ITokenProvider>(Name).GetTokenAsync(cancellationToken: deadline);

        public async ValueTask DisposeAsync()
        {
            try
            {
                // Within 5 real seconds: a request stuck in a retry delay on the fake clock would hold the disposal forever.
                await services.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            finally
            {
                await emulator.DisposeAsync();
            }
        }
    }
}
