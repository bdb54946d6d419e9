using System.Security.Claims;

namespace WebApp;

/// <summary>The signed-in user's stable id: the <c>sub</c> claim of the OpenID Connect sign-in.</summary>
public static class UserId
{
    /// <summary>Returns the user's id, or <see langword="null"/> when nobody is signed in.</summary>
    /// <param name="user">The request's user.</param>
    /// <returns>The id.</returns>
    public static string? Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true ? user.FindFirst("sub")?.Value : null;
    }
}
