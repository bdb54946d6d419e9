using System.Buffers.Text;
using System.Text;
using TokenClients.Internal;

namespace TokenClients.Tests.Protocol;

/// <summary>Reading the certificate a JWT access token is bound to (<c>cnf</c> <c>x5t#S256</c>, RFC 8705 section 3), without validating it.</summary>
public sealed class ClientCertificateBindingTests
{
    [Fact]
    public void The_x5t_s256_of_the_cnf_claim_is_read()
    {
        Assert.Equal("abc-_DEF", ClientCertificateSource.BoundThumbprintOf(Jwt("""{"sub":"s","cnf":{"jkt":"other","x5t#S256":"abc-_DEF"}}""")));
    }

    [Theory]
    [InlineData("opaque-token")]
    [InlineData("a.b")]
    [InlineData("eyJhbGciOiJub25lIn0.!!!not-base64url!!!.")]
    [InlineData("..")]
    public void A_token_that_is_not_a_jwt_is_not_bound(string token) =>
        Assert.Null(ClientCertificateSource.BoundThumbprintOf(token));

    [Theory]
    [InlineData("""{"sub":"s"}""")]
    [InlineData("""{"cnf":"x5t#S256"}""")]
    [InlineData("""{"cnf":{"x5t#S256":42}}""")]
    [InlineData("""{"cnf":{"jkt":"only-a-dpop-key"}}""")]
    [InlineData("""["cnf"]""")]
    [InlineData("""{"cnf":{"x5t#S256":""")]
    [InlineData("not json at all")]
    public void A_jwt_without_a_certificate_confirmation_is_not_bound(string payload) =>
        Assert.Null(ClientCertificateSource.BoundThumbprintOf(Jwt(payload)));

    private static string Jwt(string payload) =>
        Base64Url.EncodeToString("""{"alg":"none"}"""u8) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + ".";
}
