using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Internal;

namespace TokenClients.Tests.Protocol.DPoP;

public sealed class DPoPProofKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public void A_generated_key_signs_an_es256_proof_with_its_public_jwk_method_address_time_and_a_new_jti()
    {
        var key = DPoPProofKey.Generate(_time);

        var first = DPoPProof.Read(key.CreateProof("POST", new Uri("https://idp.example:8443/connect/token?x=1#frag"), null));
        var second = DPoPProof.Read(key.CreateProof("POST", new Uri("https://idp.example:8443/connect/token"), null));

        Assert.True(first.SignatureValid);
        Assert.Equal("dpop+jwt", first.Header.GetProperty("typ").GetString());
        Assert.Equal("ES256", first.Header.GetProperty("alg").GetString());
        Assert.Equal("P-256", first.Header.GetProperty("jwk").GetProperty("crv").GetString());
        Assert.Equal("POST", first.Claim("htm"));
        Assert.Equal("https://idp.example:8443/connect/token", first.Claim("htu"));
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), first.Claim("iat"));
        Assert.False(first.Has("ath"));
        Assert.False(first.Has("nonce"));
        Assert.NotEqual(first.Claim("jti"), second.Claim("jti"));
        Assert.True(Base64Url.DecodeFromChars(first.Claim("jti")).Length >= 16);
    }

    [Fact]
    public void The_proof_for_a_token_carries_the_hash_of_that_token_and_the_time_of_the_clock()
    {
        var key = DPoPProofKey.Generate(_time);
        var token = new AccessToken("the-access-token", "DPoP", Now.AddHours(1), key);
        _time.Advance(TimeSpan.FromMinutes(7));

        var proof = DPoPProof.Read(key.CreateProof("GET", new Uri("https://api.example/items?page=2"), token));

        Assert.Equal(DPoPProof.HashOf("the-access-token"), proof.Claim("ath"));
        Assert.Equal("https://api.example/items", proof.Claim("htu"));
        Assert.Equal("GET", proof.Claim("htm"));
        Assert.Equal(Now.AddMinutes(7).ToUnixTimeSeconds(), proof.Payload.GetProperty("iat").GetInt64());
    }

    [Fact]
    public void A_nonce_is_sent_to_the_origin_that_gave_it_and_to_no_other()
    {
        var key = DPoPProofKey.Generate(_time);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("DPoP-Nonce", "nonce-of-api");

        Assert.True(key.RememberNonce(new Uri("https://api.example/a?q=1"), response));
        Assert.False(key.RememberNonce(new Uri("https://api.example/b"), response));

        Assert.Equal("nonce-of-api", DPoPProof.Read(key.CreateProof("GET", new Uri("https://api.example/other/path"), null)).Claim("nonce"));
        Assert.False(DPoPProof.Read(key.CreateProof("GET", new Uri("https://api.example:444/other"), null)).Has("nonce"));
        Assert.False(DPoPProof.Read(key.CreateProof("GET", new Uri("http://api.example/other"), null)).Has("nonce"));
        Assert.False(DPoPProof.Read(key.CreateProof("GET", new Uri("https://evil.example/other"), null)).Has("nonce"));
    }

    [Fact]
    public void The_htu_of_an_internationalised_host_names_it_as_the_request_does_in_punycode_and_its_nonce_is_found()
    {
        // The HTTP stack sends the IDN host (Host header, TLS SNI) as punycode: the server compares htu with that address.
        var key = DPoPProofKey.Generate(_time);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("DPoP-Nonce", "nonce-of-idn");

        Assert.True(key.RememberNonce(new Uri("https://b\u00FCcher.example:8443/a"), response));
        var proof = DPoPProof.Read(key.CreateProof("GET", new Uri("https://B\u00DCCHER.example:8443/items?x=1"), null));

        Assert.Equal("https://xn--bcher-kva.example:8443/items", proof.Claim("htu"));
        Assert.Equal("nonce-of-idn", proof.Claim("nonce"));
        Assert.False(DPoPProof.Read(key.CreateProof("GET", new Uri("https://xn--bcher-kva.example/items"), null)).Has("nonce"));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("with\"quote")]
    [InlineData("")]
    public void A_nonce_outside_the_rfc_syntax_is_ignored(string nonce)
    {
        var key = DPoPProofKey.Generate(_time);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("DPoP-Nonce", nonce);

        Assert.False(key.RememberNonce(new Uri("https://api.example/"), response));
        Assert.False(DPoPProof.Read(key.CreateProof("GET", new Uri("https://api.example/"), null)).Has("nonce"));
    }

    [Fact]
    public void A_supplied_rsa_jwk_signs_rs256_proofs_and_its_thumbprint_is_the_rfc_7638_one()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(true);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA", ["n"] = B(p.Modulus), ["e"] = B(p.Exponent), ["d"] = B(p.D), ["p"] = B(p.P), ["q"] = B(p.Q),
            ["dp"] = B(p.DP), ["dq"] = B(p.DQ), ["qi"] = B(p.InverseQ),
        }.ToJsonString();

        var key = DPoPProofKey.Load(new DPoPOptions { Enabled = true, Key = jwk }, _time);
        var proof = DPoPProof.Read(key.CreateProof("POST", new Uri("https://idp.example/token"), null));

        Assert.True(proof.SignatureValid);
        Assert.Equal("RS256", proof.Header.GetProperty("alg").GetString());
        var canonical = $"{{\"e\":\"{B(p.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{B(p.Modulus)}\"}}";
        Assert.Equal(B(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), key.Thumbprint);
        Assert.DoesNotContain(B(p.D), key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_supplied_p384_jwk_signs_es384_proofs()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ec.ExportParameters(true);
        var jwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-384", ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y), ["d"] = B(p.D) }.ToJsonString();

        var proof = DPoPProof.Read(DPoPProofKey.Load(new DPoPOptions { Enabled = true, Key = jwk }, _time).CreateProof("POST", new Uri("https://idp.example/token"), null));

        Assert.True(proof.SignatureValid);
        Assert.Equal("ES384", proof.Header.GetProperty("alg").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"kty":"oct","k":"c2VjcmV0"}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}""")]
    public void An_unusable_key_fails_with_a_message_that_names_the_setting_and_quotes_nothing(string jwk)
    {
        var error = Assert.Throws<InvalidOperationException>(() => DPoPProofKey.Load(new DPoPOptions { Enabled = true, Key = jwk }, _time));

        Assert.StartsWith("DPoP:Key ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(jwk, error.Message, StringComparison.Ordinal);
    }

    private static string B(byte[]? bytes) => Base64Url.EncodeToString(bytes!);
}
