using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>A client that needs a user: refresh from the stored token set, or a typed demand for interaction.</summary>
public sealed class TokenProviderInteractiveTests : TokenProviderTestBase
{
    [Fact]
    public async Task Refresh_rejected_in_an_interactive_flow_requires_interaction_and_forgets_the_user()
    {
        Client.RequiresInteraction = true;
        await Store.SetAsync("test", "alice", Client.Issue("a1") is var t ? new TokenSet { AccessToken = t.AccessToken, ExpiresAt = t.ExpiresAt, RefreshToken = "rt-1" } : null!);
        var alice = TokenContext.ForSubject("alice");
        Assert.Equal("a1", (await Provider.GetTokenAsync(alice)).Value);
        Client.OnRefresh = _ => throw FakeTokenClient.InvalidGrant();
        Time.Advance(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<InteractionRequiredException>(() => Provider.GetTokenAsync(alice).AsTask());

        Assert.Equal("alice", error.Subject);
        Assert.Null(await Store.GetAsync("test", "alice"));
        Assert.Equal(0, Client.Requests);
    }

    [Fact]
    public async Task Interactive_refresh_keeps_the_newest_rotated_refresh_token_in_the_store()
    {
        Client.RequiresInteraction = true;
        await Store.SetAsync("test", "alice", new TokenSet { AccessToken = "a1", ExpiresAt = Time.GetUtcNow().AddHours(1), RefreshToken = "rt-1" });
        Client.OnRefresh = rt => new TokenSet { AccessToken = "a2", ExpiresAt = Time.GetUtcNow().AddHours(1), RefreshToken = "rt-2" };
        Time.Advance(TimeSpan.FromHours(1));

        var token = await Provider.GetTokenAsync(TokenContext.ForSubject("alice"));

        Assert.Equal("a2", token.Value);
        Assert.Equal("rt-2", (await Store.GetAsync("test", "alice"))!.RefreshToken);
    }

    [Fact]
    public async Task Interactive_flow_without_stored_tokens_requires_interaction()
    {
        Client.RequiresInteraction = true;

        await Assert.ThrowsAsync<InteractionRequiredException>(() => Provider.GetTokenAsync(TokenContext.ForSubject("bob")).AsTask());
    }
}
