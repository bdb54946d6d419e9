using Microsoft.Extensions.DependencyInjection;
using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>A user signed out on one instance gets no token from the memory of another that shares Redis.</summary>
[Collection(RedisGroup.Name)]
public sealed class SignOutAcrossInstancesTests(RedisFixture redis) : SharedCacheTestBase(redis)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Sign_out_on_one_instance_stops_the_other_instances_from_serving_the_users_cached_token()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using var first = fleet.JustLogin(justLogin);
        await using var second = fleet.JustLogin(justLogin);
        var alice = TokenContext.ForSubject("acme/alice");
        var bob = TokenContext.ForSubject("acme/bob");
        await Fleet.SignInAsync(first, justLogin, "acme/alice");
        await Fleet.SignInAsync(first, justLogin, "acme/bob");

        // The second instance holds both users' access tokens in memory.
        var cached = await second.Provider("justlogin").GetTokenAsync(alice);
        var bobs = await second.Provider("justlogin").GetTokenAsync(bob);

        await first.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").SignOutAsync("acme/alice");

        // Publish and subscribe is asynchronous: within a bounded time the second instance serves nothing of alice's.
        using var deadline = new CancellationTokenSource(Delivery);
        AccessToken? served = cached;
        while (served is not null && !deadline.IsCancellationRequested)
        {
            served = await TryGetTokenAsync(second, alice);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.Null(served);
        await Assert.ThrowsAsync<InteractionRequiredException>(() => second.Provider("justlogin").GetTokenAsync(alice).AsTask());

        // Bob, signed in on the same provider, is untouched: the same token, no new token request.
        var grants = justLogin.Journal.Requests.Count;
        Assert.Equal(bobs.Value, (await second.Provider("justlogin").GetTokenAsync(bob)).Value);
        Assert.Equal(grants, justLogin.Journal.Requests.Count);
    }

    [Fact]
    public async Task Sign_out_message_written_by_another_application_is_ignored_and_logged()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
        await using var first = fleet.JustLogin(justLogin);
        await Fleet.SignInAsync(first, justLogin, "acme/alice");
        var token = await first.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"));

        // Someone with access to Redis but not to the key ring publishes a forged sign-out on the channel.
        var subscriber = Connection.GetSubscriber();
        await subscriber.PublishAsync(StackExchange.Redis.RedisChannel.Literal(fleet.Prefix + "sign-out"), "{\"p\":\"justlogin\",\"s\":\"acme/alice\"}"u8.ToArray());

        using var deadline = new CancellationTokenSource(Delivery);
        while (first.Logs.Count(104) == 0 && !deadline.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.Equal(1, first.Logs.Count(104));
        Assert.Equal(token.Value, (await first.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"))).Value);
    }

    private static async Task<AccessToken?> TryGetTokenAsync(Instance instance, TokenContext user)
    {
        try
        {
            return await instance.Provider("justlogin").GetTokenAsync(user);
        }
        catch (InteractionRequiredException)
        {
            return null;
        }
    }
}
