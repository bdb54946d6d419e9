using System.Security.Claims;

namespace TokenClients.AspNetCore;

/// <summary>The user id under which TokenClients keeps a signed-in user's tokens.</summary>
public static class TokenSubjectClaimsPrincipalExtensions
{
    /// <summary>The OpenID Connect subject claim.</summary>
    public const string SubjectClaimType = "sub";

    /// <summary>
    /// Gets the stable id of an authenticated user: the <c>sub</c> claim, else the <see cref="ClaimTypes.NameIdentifier"/>
    /// claim (where the OpenID Connect handler maps <c>sub</c> by default). Tokens of the user are stored under this id, and
    /// code without an <c>HttpContext</c> (a Blazor circuit, a hosted service) names the user with it:
    /// <c>request.WithTokenSubject(user.GetTokenSubject())</c>.
    /// </summary>
    /// <param name="user">The user; <see langword="null"/> for none.</param>
    /// <returns>The id, or <see langword="null"/> for an anonymous user or one without such a claim.</returns>
    public static string? GetTokenSubject(this ClaimsPrincipal? user)
    {
        if (user is null || !user.Identities.Any(i => i.IsAuthenticated))
        {
            return null;
        }

        var id = user.FindFirst(SubjectClaimType)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        return string.IsNullOrEmpty(id) ? null : id;
    }
}
