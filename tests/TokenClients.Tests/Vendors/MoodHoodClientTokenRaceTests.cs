using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using TokenClients.Vendors.MoodHood;

namespace TokenClients.Tests.Vendors;

/// <summary>
/// MoodHood answers a refused client token and a refused password alike (docs/vendors/moodhood.md): a 401 that comes
/// back after another caller already replaced the client token is answered by sending once more with the current one.
/// </summary>
public sealed class MoodHoodClientTokenRaceTests
{
    [Fact]
    public async Task Unauthorized_to_a_client_token_replaced_meanwhile_is_resent_with_the_current_client_token()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var stage = new SwitchableClientStage(new AccessToken("client-1", "Bearer", time.GetUtcNow().AddHours(1)));
        using var mock = new MockHttpMessageHandler();
        var bearers = new List<string?>();
        mock.When(HttpMethod.Post, "https://mood.example/v1/auth/token").Respond(request =>
        {
            var bearer = request.Headers.Authorization?.Parameter;
            bearers.Add(bearer);
            if (bearer == "client-1")
            {
                // While this request was out, another caller's 401 replaced the client token.
                stage.Current = new AccessToken("client-2", "Bearer", time.GetUtcNow().AddHours(1));
                return new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("""{"message":"Unauthorized"}""", Encoding.UTF8, "application/json") };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"access_token":"user-1","expires_in":3600}""", Encoding.UTF8, "application/json") };
        });
        var options = new MoodHoodOptions { Authority = new Uri("https://mood.example/"), ClientId = "c", ClientSecret = "s", Username = "u", Password = "p" };
        var client = new MoodHoodTokenClient("moodhood", options, () => new HttpClient(mock, disposeHandler: false), time, stage, NullLogger.Instance);

        var tokens = await client.RequestTokenAsync(TokenContext.Default, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("user-1", tokens.AccessToken);
        Assert.Equal(["client-1", "client-2"], bearers);
        Assert.Equal(0, stage.Invalidations);
    }

    private sealed class SwitchableClientStage(AccessToken initial) : ITokenProvider
    {
        private int _invalidations;

        public string Name => "moodhood.client";

        public AccessToken Current { get; set; } = initial;

        public int Invalidations => Volatile.Read(ref _invalidations);

        public ValueTask<AccessToken> GetTokenAsync(TokenContext? context = null, CancellationToken cancellationToken = default) => new(Current);

        public ValueTask InvalidateAsync(AccessToken token, TokenContext? context = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _invalidations);
            return ValueTask.CompletedTask;
        }
    }
}
