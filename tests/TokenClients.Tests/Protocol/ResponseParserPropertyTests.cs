using System.Net;
using System.Text;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol;

/// <summary>Every response parser, fed arbitrary bytes and arbitrary JSON, yields a token set or a TokenRequestException: nothing else.</summary>
public sealed class ResponseParserPropertyTests
{
    private static readonly HttpStatusCode[] Statuses = [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound];

    private static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, self) => depth >= 3
        ? Gen.OneOf(Gen.Const("null"), Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.String.Select(Quote), Gen.Const("true"), Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1e308"))
        : Gen.OneOf(
            Gen.String.Select(Quote),
            Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            self.Array[0, 3].Select(items => "[" + string.Join(',', items) + "]"),
            Gen.Select(Gen.OneOf<string>("access_token", "expires_in", "expires", "token_type", "refresh_token", "refresh_expires_in", "error", "error_description", "description", "scope", "id_token"), self)
                .Array[0, 6].Select(pairs => "{" + string.Join(',', pairs.Select(p => Quote(p.Item1) + ":" + p.Item2)) + "}")));

    private static readonly Gen<byte[]> Body = Gen.OneOf(Gen.Byte.Array[0, 300], JsonValue.Select(Encoding.UTF8.GetBytes));

    public static TheoryData<string> Providers() => ["mluvii", "moodhood", "telmai", "oli", "standard"];

    [Theory]
    [MemberData(nameof(Providers))]
    public void Arbitrary_answers_yield_a_token_or_a_token_request_exception(string vendor)
    {
        Gen.Select(Body, Gen.Int[0, Statuses.Length - 1]).Sample((body, statusIndex) =>
        {
            var outcome = Run(vendor, body, Statuses[statusIndex]);
            Assert.True(outcome is null or TokenRequestException, $"{outcome?.GetType().Name}: {outcome?.Message}");
        }, iter: 150, threads: 1);
    }

    private static Exception? Run(string vendor, byte[] body, HttpStatusCode status)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        services.AddTokenProvider("p", p =>
        {
            switch (vendor)
            {
                case "mluvii": p.UseMluvii(o => { o.ClientId = "c"; o.ClientSecret = "s"; }); break;
                case "moodhood": p.UseMoodHood(o => { o.ClientId = "c"; o.ClientSecret = "s"; }); break;
                case "telmai": p.UseTelmai(o => { o.Authority = new Uri("https://t.example"); o.ClientId = "c"; o.Username = "u"; o.Password = "p"; }); break;
                case "oli": p.UseOli(o => { o.Username = "u"; o.Password = "p"; }); break;
                default: p.UseClientCredentials(o => { o.TokenEndpoint = new Uri("https://idp.example/token"); o.ClientId = "c"; o.ClientSecret = "s"; }); break;
            }

            p.ConfigureResilience(r => r.Retry.MaxRetryAttempts = 1);
            p.ConfigureTokenHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => new StubHandler(status, body)));
        });
        using var provider = services.BuildServiceProvider();
        try
        {
            var token = provider.GetRequiredKeyedService<ITokenProvider>("p").GetTokenAsync().AsTask().GetAwaiter().GetResult();
            Assert.False(string.IsNullOrEmpty(token.Value));
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private sealed class StubHandler(HttpStatusCode status, byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } } });
    }
}
