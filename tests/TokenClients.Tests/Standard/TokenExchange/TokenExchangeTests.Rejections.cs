using System.Net;
using RichardSzalay.MockHttp;

namespace TokenClients.Tests.Standard.TokenExchange;

/// <content>A server that rejects every exchange: no subject token is dropped for it more than once.</content>
public sealed partial class TokenExchangeTests
{
    [Fact]
    public async Task A_server_that_rejects_every_exchange_does_not_cost_a_new_subject_token_on_every_call()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        _harness.Mock.When(HttpMethod.Post, Endpoint).Respond(() =>
        {
            Interlocked.Increment(ref _exchanges);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent("""{"error":"invalid_grant","error_description":"exchange not allowed for this client"}""", System.Text.Encoding.UTF8, "application/json"),
            });
        });
        var provider = _harness.Get("exchange");

        for (var call = 0; call < 5; call++)
        {
            var failure = await Assert.ThrowsAsync<TokenRequestException>(() => provider.GetTokenAsync().AsTask());
            Assert.Equal("invalid_grant", failure.Error);
        }

        // The first call drops the subject token once and tries the replacement; the replacement, rejected as well, stays.
        Assert.Equal(2, _subjects.Requests);
        Assert.Equal(6, _exchanges);
    }
}
