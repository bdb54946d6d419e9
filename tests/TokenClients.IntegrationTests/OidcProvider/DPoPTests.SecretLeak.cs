using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// No DPoP secret reaches a log (Trace, every category), a trace, a metric, an exception or a <c>ToString()</c>: not the
/// private key (its <c>d</c>, the JWK), not a proof, not a token.
/// </summary>
public sealed partial class DPoPTests
{
    [Fact]
    public async Task No_dpop_key_proof_or_token_reaches_logs_traces_metrics_exceptions_or_strings()
    {
        var captured = new ConcurrentQueue<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => captured.Enqueue(
                $"{activity.Source.Name} {activity.DisplayName} {activity.StatusDescription} {string.Join(';', activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))} {string.Join(';', activity.Events.Select(e => e.Name))}"),
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => captured.Enqueue(Measurement(instrument, tags)));
        meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => captured.Enqueue(Measurement(instrument, tags)));
        meters.Start();

        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var d = Base64Url.EncodeToString(ec.ExportParameters(true).D!);
        var jwk = PrivateJwk(ec);
        var (api, provider) = StartCodeClient(jwk);
        await SignInAsync("alice");
        var key = ((Internal.IProofOfPossessionClient)((Caching.TokenProvider)provider).Client).ProofKey!;
        using (var stale = new HttpResponseMessage(HttpStatusCode.OK))
        {
            stale.Headers.Add("DPoP-Nonce", "stale-nonce");
            key.RememberNonce(server.UserInfoEndpoint, stale);
        }

        using (var response = await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/me").WithTokenSubject("alice")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var token = await provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);
        captured.Enqueue(token.ToString());
        captured.Enqueue(key.ToString()!);
        captured.Enqueue(new DPoPOptions { Enabled = true, Key = jwk }.ToString());
        // A key that does not load fails on start; one the server refuses fails the token request.
        captured.Enqueue((await Assert.ThrowsAnyAsync<Exception>(() => GetTokenAsync(OidcProviderServer.DPoPClient, o => o.DPoP.Key = jwk.Replace("P-256", "P-384", StringComparison.Ordinal)))).ToString());
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        captured.Enqueue((await Assert.ThrowsAsync<TokenRequestException>(() => GetTokenAsync(OidcProviderServer.DPoPClient, o => o.DPoP.Key = Jwk(p384, "P-384")))).ToString());
        await GetTokenAsync(OidcProviderServer.DPoPNonceClient, o => o.DPoP.Key = jwk);

        var secrets = new HashSet<string>(StringComparer.Ordinal) { d, jwk, OidcProviderServer.JwtClientSecret, token.Value };
        foreach (var proof in TokenTraffic.Select(t => t.Proof).Concat(ApiTraffic.Select(t => t.Proof)).OfType<string>())
        {
            secrets.Add(proof);
            secrets.Add(proof.Split('.')[1]);
            secrets.Add(proof.Split('.')[2]);
        }

        foreach (var authorization in ApiTraffic.Select(t => t.Authorization).OfType<string>())
        {
            secrets.Add(authorization.Split(' ')[1]);
        }

        var everything = string.Join('\n', captured) + '\n'
            + string.Join('\n', Logs.GetSnapshot().Select(r => $"{r.Category} {r.Message} {r.Exception} {string.Join(';', r.StructuredState ?? [])}"));

        // What was searched is real: logs, traces and metrics were produced, the nonce retries and the refused key among them.
        Assert.Contains("TokenClients.TokenRequest", everything, StringComparison.Ordinal);
        Assert.Contains("tokenclients.", everything, StringComparison.Ordinal);
        Assert.Contains("asked for a DPoP nonce", everything, StringComparison.Ordinal);
        Assert.Contains("invalid_dpop_proof", everything, StringComparison.Ordinal);
        Assert.True(ApiTraffic.Count >= 2 && TokenTraffic.Count >= 4, "The flows did not run.");
        foreach (var secret in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"A secret of {secret.Length} characters leaked.");
        }
    }

    private static string PrivateJwk(ECDsa ec)
    {
        var p = ec.ExportParameters(includePrivateParameters: true);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(p.Q.X!), ["y"] = Base64Url.EncodeToString(p.Q.Y!), ["d"] = Base64Url.EncodeToString(p.D!),
        }.ToJsonString();
    }

    private static string Measurement(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder(instrument.Meter.Name).Append(' ').Append(instrument.Name);
        foreach (var tag in tags)
        {
            text.Append(';').Append(tag.Key).Append('=').Append(tag.Value);
        }

        return text.ToString();
    }
}
