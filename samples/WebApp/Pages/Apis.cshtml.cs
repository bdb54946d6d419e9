using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TokenClients;

namespace WebApp.Pages;

/// <summary>Calls the API of each vendor the signed-in user connected, through its typed client, and shows the answer.</summary>
/// <param name="store">Where the connected accounts' token sets are kept.</param>
/// <param name="apis">The vendors' typed clients.</param>
/// <param name="time">The clock.</param>
[Authorize]
public sealed class ApisModel(ITokenStore store, IEnumerable<VendorApi> apis, TimeProvider time) : PageModel
{
    /// <summary>Gets the answer of each connected vendor.</summary>
    public IReadOnlyList<ApiResult> Results { get; private set; } = [];

    /// <summary>Gets when the APIs were called.</summary>
    public DateTimeOffset CalledAt { get; private set; }

    /// <summary>Calls the connected vendors' APIs.</summary>
    /// <returns>A task that completes when every API answered.</returns>
    public async Task OnGetAsync()
    {
        var userId = UserId.Of(User)!;
        var results = new List<ApiResult>();
        CalledAt = time.GetUtcNow();
        foreach (var api in apis)
        {
            if (await store.GetAsync(api.Vendor.Name, userId, HttpContext.RequestAborted) is null)
            {
                continue;
            }

            try
            {
                var profile = await api.GetProfileAsync(userId, HttpContext.RequestAborted);
                results.Add(new ApiResult(api.Vendor, profile.Account, null, MustReconnect: false));
            }
            catch (InteractionRequiredException)
            {
                results.Add(new ApiResult(api.Vendor, null, "The connection has ended.", MustReconnect: true));
            }
            catch (Exception e) when (e is TokenRequestException or HttpRequestException)
            {
                // Neither exception carries a token: their messages are safe to show.
                results.Add(new ApiResult(api.Vendor, null, e.Message, MustReconnect: false));
            }
        }

        Results = results;
    }
}

/// <summary>One vendor's answer.</summary>
/// <param name="Vendor">The vendor.</param>
/// <param name="Account">The account the API answered for, or <see langword="null"/> when the call failed.</param>
/// <param name="Error">Why the call failed.</param>
/// <param name="MustReconnect">Whether the user must connect the vendor again.</param>
public sealed record ApiResult(Vendor Vendor, string? Account, string? Error, bool MustReconnect);
