using System.Security.Claims;

namespace TokenClients.AspNetCore.Tests.Unit;

public sealed class TokenSubjectTests
{
    [Fact]
    public void The_sub_claim_is_the_users_id_even_beside_a_name_identifier()
    {
        var user = User(new Claim(ClaimTypes.NameIdentifier, "local-42"), new Claim("sub", "idp-7"));

        Assert.Equal("idp-7", user.GetTokenSubject());
    }

    [Fact]
    public void Without_sub_the_name_identifier_is_the_users_id()
    {
        // The OpenID Connect handler maps sub to NameIdentifier unless MapInboundClaims is off.
        Assert.Equal("idp-7", User(new Claim(ClaimTypes.NameIdentifier, "idp-7")).GetTokenSubject());
    }

    [Fact]
    public void An_anonymous_user_has_no_id_whatever_its_claims()
    {
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "idp-7")]));

        Assert.Null(anonymous.GetTokenSubject());
        Assert.Null(((ClaimsPrincipal?)null).GetTokenSubject());
    }

    [Fact]
    public void A_signed_in_user_without_an_id_claim_or_with_an_empty_one_has_no_id()
    {
        Assert.Null(User(new Claim(ClaimTypes.Name, "alice")).GetTokenSubject());
        Assert.Null(User(new Claim("sub", string.Empty)).GetTokenSubject());
    }

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "Cookies"));
}
