using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Protocol.Custom;

/// <summary>Every non-standard request and answer shape a custom endpoint speaks: JSON bodies, camel-cased query strings, wrapped answers, description-shaped errors, client authentication.</summary>
public sealed class CustomShapeTests : CustomEndpointFacts
{
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
}
