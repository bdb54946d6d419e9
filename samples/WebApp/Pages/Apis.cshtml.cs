using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TokenClients;
using TokenClients.AspNetCore;

namespace WebApp.Pages;

/// <summary>
/// Calls the sign-in provider's API with the user's own sign-in tokens, and the API of each vendor the user connected,
/// through their typed clients. A connection or sign-in that must be renewed is not handled here: the
/// <see cref="InteractionRequiredException"/> reaches <c>UseTokenClientsChallenge</c>, which sends the user to renew it
/// and back to this page.
/// </summary>
/// <param name="store">Where the connected accounts' token sets are kept (only whether one exists is read).</param>
/// <param name="signIn">The sign-in provider's typed client.</param>
/// <param name="vendors">The vendors' typed clients.</param>
/// <param name="time">The clock.</param>
[Authorize]
public sealed class ApisModel(ITokenStore store, SignInProviderApi signIn, IEnumerable<VendorApi> vendors, TimeProvider time) : PageModel
{
    /// <summary>Gets the account the sign-in provider's API answered for.</summary>
    public Profile? SignInProfile { get; private set; }

    /// <summary>Gets each connected vendor and the account its API answered for.</summary>
    public IReadOnlyList<(Vendor Vendor, Profile Profile)> Results { get; private set; } = [];

    /// <summary>Gets when the APIs were called.</summary>
    public DateTimeOffset CalledAt { get; private set; }

    /// <summary>Calls the APIs.</summary>
    /// <returns>A task that completes when every API answered.</returns>
    public async Task OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        CalledAt = time.GetUtcNow();
        SignInProfile = await signIn.GetProfileAsync(ct);
        var results = new List<(Vendor, Profile)>();
        foreach (var api in vendors)
        {
            if (await store.GetAsync(api.Vendor.Name, User.GetTokenSubject()!, ct) is not null)
            {
                results.Add((api.Vendor, await api.GetProfileAsync(ct)));
            }
        }

        Results = results;
    }
}
