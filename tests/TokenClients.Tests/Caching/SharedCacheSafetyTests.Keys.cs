using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using TokenClients.Caching;

namespace TokenClients.Tests.Caching;

/// <summary>Keys of the shared cache and store: keyed with a secret, and with the client's configuration.</summary>
public sealed partial class SharedCacheSafetyTests
{
    [Fact]
    public async Task Stored_user_keys_are_keyed_with_a_secret_shared_by_instances_and_kept_across_restarts()
    {
        var cache = new DictionaryCache();
        var tokenLock = new InProcessTokenLock(TimeProvider.System);
        await using (var first = SharedServices(cache, tokenLock))
        await using (var second = SharedServices(cache, tokenLock))
        {
            await first.GetRequiredService<ITokenStore>().SetAsync("users", "alice", Set("1"));
            Assert.Equal("access-1", (await second.GetRequiredService<ITokenStore>().GetAsync("users", "alice"))?.AccessToken);
        }

        // Nobody who can read the cache finds alice by hashing candidate user ids.
        Assert.DoesNotContain("tokenclients:store:" + TokenCacheKey.Hash("subject", "users", "alice"), cache.Keys);
        Assert.Single(cache.Keys, k => k.StartsWith("tokenclients:store:", StringComparison.Ordinal));

        await using var restarted = SharedServices(cache, tokenLock);
        Assert.Equal("access-1", (await restarted.GetRequiredService<ITokenStore>().GetAsync("users", "alice"))?.AccessToken);
    }

    [Fact]
    public async Task Configured_key_secret_keys_differ_by_secret_and_agree_across_instances()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var first = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = secret);
        await using var second = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = secret);
        await using var other = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = "another secret of at least thirty-two bytes");

        var key = await first.GetRequiredService<SharedTokenKeys>().ForSubjectAsync("users", "alice");

        Assert.Equal(key, await second.GetRequiredService<SharedTokenKeys>().ForSubjectAsync("users", "alice"));
        Assert.NotEqual(key, await other.GetRequiredService<SharedTokenKeys>().ForSubjectAsync("users", "alice"));
        Assert.NotEqual(key, TokenCacheKey.Hash("subject", "users", "alice"));
        Assert.NotEqual(key, TokenCacheKey.ForSubject("users", "alice", client: null));
        Assert.Matches("^[0-9a-f]{64}$", key);
    }

    [Fact]
    public async Task Key_secret_shorter_than_32_bytes_is_refused_when_the_host_starts()
    {
        await using var services = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = "short");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("KeySecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message.Replace("KeySecret", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Token_keys_follow_the_client_configuration_but_not_its_secret()
    {
        string Key(Action<ClientCredentialsOptions> change)
        {
            var services = new ServiceCollection();
            services.AddTokenProvider("api", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = "service";
                o.ClientSecret = "service-secret";
                o.Scope = "read";
                change(o);
            }));
            using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredKeyedService<ITokenClient>("api");
            return DistributedTokenCoordinator.ContextKey(client, "api", TokenContext.Default) + "/" + DistributedTokenCoordinator.SubjectKey(client, "api", "alice");
        }

        var original = Key(_ => { });
        Assert.Equal(original, Key(_ => { }));
        Assert.Equal(original, Key(o => o.ClientSecret = "rotated-secret"));
        var otherClient = Key(o => o.ClientId = "other");
        var otherEndpoint = Key(o => o.TokenEndpoint = new Uri("https://idp2.example/token"));
        var otherScope = Key(o => o.Scope = "write");
        var otherResource = Key(o => o.Resource = "https://api.example");
        Assert.Equal(6, new[] { original, otherClient, otherEndpoint, otherScope, otherResource, Key(o => o.Parameters["audience"] = "x") }.Select(k => k.Split('/')[0]).Distinct().Count());

        // A stored user's set is bound to what binds its refresh token: client id and endpoint, not scope.
        Assert.Equal(original.Split('/')[1], otherScope.Split('/')[1]);
        Assert.NotEqual(original.Split('/')[1], otherClient.Split('/')[1]);
        Assert.NotEqual(original.Split('/')[1], otherEndpoint.Split('/')[1]);
    }

    [Fact]
    public async Task Instances_with_different_client_ids_never_serve_each_others_tokens_from_one_shared_cache()
    {
        var cache = new DictionaryCache();
        await using var first = SharedServices(cache, tokenLock: null, s => s.AddTokenProvider("api", p => p.UseClientCredentials(o => Client(o, "first"))));
        await using var second = SharedServices(cache, tokenLock: null, s => s.AddTokenProvider("api", p => p.UseClientCredentials(o => Client(o, "second"))));
        var firstShared = first.GetRequiredService<DistributedTokenCoordinator>();
        var secondShared = second.GetRequiredService<DistributedTokenCoordinator>();
        var firstKey = DistributedTokenCoordinator.ContextKey(first.GetRequiredKeyedService<ITokenClient>("api"), "api", TokenContext.Default);
        var secondKey = DistributedTokenCoordinator.ContextKey(second.GetRequiredKeyedService<ITokenClient>("api"), "api", TokenContext.Default);

        await firstShared.SetAsync(firstKey, Set("first"), CancellationToken.None);

        Assert.Null(await secondShared.GetAsync(secondKey, CancellationToken.None));
        Assert.Equal("access-first", (await secondShared.GetAsync(firstKey, CancellationToken.None))?.AccessToken);

        static void Client(ClientCredentialsOptions o, string clientId)
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.ClientId = clientId;
            o.ClientSecret = "service-secret";
        }
    }

    [Fact]
    public async Task Providers_differing_only_in_client_id_never_serve_each_others_tokens_through_one_shared_cache()
    {
        var cache = new DictionaryCache();
        async Task<string> TokenOf(string clientId)
        {
            await using var harness = new Support.Harness();
            harness.Services.AddSingleton<IDistributedCache>(cache);
            harness.Services.AddSingleton<IDataProtectionProvider>(TaggingDataProtection.Instance);
            harness.Services.AddTokenClientsDistributedCache();
            harness.Mock.When(HttpMethod.Post, "https://idp.example/token")
                .Respond("application/json", "{\"access_token\":\"token-of-" + clientId + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            harness.AddProvider("api", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = clientId;
                o.ClientSecret = "service-secret";
            }));
            return (await harness.Get("api").GetTokenAsync()).Value;
        }

        Assert.Equal("token-of-first", await TokenOf("first"));
        Assert.Equal("token-of-second", await TokenOf("second"));
        Assert.Equal("token-of-first", await TokenOf("first"));
    }
}
