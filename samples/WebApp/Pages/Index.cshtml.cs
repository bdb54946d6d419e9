using Microsoft.AspNetCore.Mvc.RazorPages;
using TokenClients;
using TokenClients.AspNetCore;

namespace WebApp.Pages;

/// <summary>The home page: sign in, or the signed-in user's connected vendors with connect and disconnect buttons.</summary>
/// <param name="store">Where the connected accounts' token sets are kept, by provider and user id.</param>
/// <param name="emulators">The emulators the application started, if any.</param>
public sealed class IndexModel(ITokenStore store, DemoEmulators emulators) : PageModel
{
    /// <summary>Gets a value indicating whether the providers are the demo emulators (whose users the page lists).</summary>
    public bool Emulated => emulators.SignIn is not null;

    /// <summary>Gets a value indicating whether a user is signed in.</summary>
    public bool SignedIn { get; private set; }

    /// <summary>Gets each vendor and whether the signed-in user connected it.</summary>
    public IReadOnlyList<(Vendor Vendor, bool Connected)> Connections { get; private set; } = [];

    /// <summary>Reads the signed-in user's connections (never their tokens: only whether a set is stored).</summary>
    /// <returns>A task that completes when read.</returns>
    public async Task OnGetAsync()
    {
        if (User.GetTokenSubject() is not { } userId)
        {
            return;
        }

        SignedIn = true;
        var connections = new List<(Vendor, bool)>();
        foreach (var vendor in Vendor.All)
        {
            connections.Add((vendor, await store.GetAsync(vendor.Name, userId, HttpContext.RequestAborted) is not null));
        }

        Connections = connections;
    }
}
