using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>What Redis holds reveals nothing and cannot be forged: keys, protected values, tampering and copies.</summary>
[Collection(RedisGroup.Name)]
public sealed class SharedCacheProtectionTests(RedisFixture redis) : SharedCacheTestBase(redis)
{
    [Fact]
    public async Task Keys_and_values_in_Redis_reveal_no_secret_user_name_or_client_id()
    {
        await using var mluvii = await MluviiEmulator.StartAsync();
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using var clients = fleet.Mluvii(mluvii);
        await using var users = fleet.JustLogin(justLogin);
        var clientToken = await clients.Provider("mluvii").GetTokenAsync();
        await Fleet.SignInAsync(users, justLogin, "acme/alice");
        var stored = await users.Services.GetRequiredService<ITokenStore>().GetAsync("justlogin", "acme/alice");
        Assert.NotNull(stored);

        var keys = await fleet.KeysAsync(Connection);
        Assert.Contains(keys, k => k.ToString().StartsWith(fleet.Prefix + "cache:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.ToString().StartsWith(fleet.Prefix + "store:", StringComparison.Ordinal));
        string[] secrets = ["demo-client", "demo-secret", "alice", "acme", "mluvii", "justlogin", clientToken.Value, stored.AccessToken, stored.RefreshToken!];
        var database = Connection.GetDatabase();
        foreach (var key in keys)
        {
            var name = key.ToString()[fleet.Prefix.Length..];
            // The key secret is kept there too, encrypted like the token sets.
            Assert.Matches("^((cache|store|lock):[0-9a-f]{64}|key-secret)$", name);
            if (name.StartsWith("lock:", StringComparison.Ordinal))
            {
                // A redeemed sign-in's lock: its value is an owner id.
                Assert.Matches("^[0-9a-f]{32}$", (string?)await database.StringGetAsync(key));
                continue;
            }

            var values = await database.HashGetAllAsync(key);
            Assert.NotEmpty(values);
            foreach (var entry in values)
            {
                var text = Encoding.Latin1.GetString((byte[])entry.Value!);
                Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));

                // Encrypted at rest: not even the JWT header of a token appears.
                Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Redis_keys_cannot_be_recomputed_from_a_user_id_and_every_instance_and_restart_finds_the_user()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using (var first = fleet.JustLogin(justLogin))
        await using (var second = fleet.JustLogin(justLogin))
        {
            await Fleet.SignInAsync(first, justLogin, "acme/alice");
            var signedIn = await first.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"));
            Assert.Equal(signedIn.Value, (await second.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"))).Value);
        }

        var stored = Assert.Single(await fleet.KeysAsync(Connection, "store:"));
        Assert.NotEqual(fleet.Prefix + "store:" + TokenCacheKey.Hash("subject", "justlogin", "acme/alice"), stored.ToString());
        Assert.Single(await fleet.KeysAsync(Connection, "key-secret"));

        await using var restarted = fleet.JustLogin(justLogin);
        Assert.True(justLogin.IsLive((await restarted.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"))).Value));
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Tampered_cache_entry_is_a_miss_not_a_crash()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using var first = fleet.Mluvii(emulator);
        var original = await first.Provider("mluvii").GetTokenAsync();
        var key = Assert.Single(await fleet.KeysAsync(Connection, "cache:"));
        var database = Connection.GetDatabase();
        var data = (byte[])(await database.HashGetAsync(key, "data"))!;
        data[data.Length / 2] ^= 0x5A;
        await database.HashSetAsync(key, "data", data);

        await using var second = fleet.Mluvii(emulator);
        var token = await second.Provider("mluvii").GetTokenAsync();

        Assert.NotEqual(original.Value, token.Value);
        Assert.Equal(2, emulator.Journal.CountGrant("client_credentials"));
        Assert.Contains(second.Logs.Entries, e => e.EventId == 14);
    }

    [Fact]
    public async Task Cache_entry_protected_with_another_key_ring_is_a_miss()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        using var foreignKeys = new KeyRing();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        var foreignFleet = new Fleet(Redis.Server.Configuration, foreignKeys, o => o.KeyPrefix = fleet.Prefix);
        await using var foreign = foreignFleet.Mluvii(emulator);
        var foreignToken = await foreign.Provider("mluvii").GetTokenAsync();
        Assert.Single(await fleet.KeysAsync(Connection, "cache:"));

        await using var own = fleet.Mluvii(emulator);
        var token = await own.Provider("mluvii").GetTokenAsync();

        Assert.NotEqual(foreignToken.Value, token.Value);
        Assert.Equal(2, emulator.Journal.CountGrant("client_credentials"));

        // The foreign instances created the key secret under their key ring: this instance cannot even compute the keys,
        // says so, and works alone.
        Assert.Contains(own.Logs.Entries, e => e.EventId == 12 && e.Message.Contains("key secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cache_entry_copied_under_another_key_is_a_miss()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using var first = fleet.Mluvii(emulator, "mluvii", "other");
        var token = await first.Provider("mluvii").GetTokenAsync();
        var source = Assert.Single(await fleet.KeysAsync(Connection, "cache:"));
        await first.Provider("other").GetTokenAsync();
        var target = Assert.Single(await fleet.KeysAsync(Connection, "cache:"), k => k != source);
        var database = Connection.GetDatabase();
        await database.HashSetAsync(target, "data", await database.HashGetAsync(source, "data"));

        await using var second = fleet.Mluvii(emulator, "mluvii", "other");
        var other = await second.Provider("other").GetTokenAsync();

        Assert.NotEqual(token.Value, other.Value);
        Assert.Equal(3, emulator.Journal.CountGrant("client_credentials"));
        Assert.Contains(second.Logs.Entries, e => e.EventId == 14);
    }

    [Fact]
    public async Task Tampered_stored_user_tokens_are_missing_tokens_not_a_crash()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using (var first = fleet.JustLogin(justLogin))
        {
            await Fleet.SignInAsync(first, justLogin, "acme/alice");
        }

        var key = Assert.Single(await fleet.KeysAsync(Connection, "store:"));
        var database = Connection.GetDatabase();
        var data = (byte[])(await database.HashGetAsync(key, "d"))!;
        data[^1] ^= 0x01;
        await database.HashSetAsync(key, "d", data);

        await using var second = fleet.JustLogin(justLogin);
        var error = await Assert.ThrowsAsync<InteractionRequiredException>(() =>
            second.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice")).AsTask());

        Assert.Equal("acme/alice", error.Subject);
        Assert.Equal(0, justLogin.Journal.CountGrant("refresh_token"));
    }
}
