using System.Text.Json;
using TokenClients;

namespace WebApp;

/// <summary>A vendor a user of the sample can connect: the token provider's name and the name people see.</summary>
/// <param name="Name">The token provider's name (a key of <c>TokenProviders</c>).</param>
/// <param name="DisplayName">The vendor's name on the pages.</param>
public sealed record Vendor(string Name, string DisplayName)
{
    /// <summary>Gets the vendors the sample connects, in the order the pages list them.</summary>
    public static IReadOnlyList<Vendor> All { get; } = [new("justlogin", "JustLogin"), new("crm", "Acme CRM")];
}

/// <summary>
/// A typed client of a connected vendor's API. Its <see cref="HttpClient"/> is registered with the token handler of the
/// vendor's provider, so every request carries the signed-in user's token for that vendor (refreshed when it expires).
/// </summary>
/// <param name="http">The client, whose <see cref="HttpClient.BaseAddress"/> is the vendor's API endpoint.</param>
/// <param name="vendor">The vendor.</param>
public abstract class VendorApi(HttpClient http, Vendor vendor)
{
    /// <summary>Gets the vendor.</summary>
    public Vendor Vendor { get; } = vendor;

    /// <summary>Reads the connected account's profile from the vendor's API.</summary>
    /// <param name="userId">The signed-in user of the application, whose connected account is used.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account the vendor answered for.</returns>
    /// <exception cref="HttpRequestException">The API refused the call.</exception>
    /// <exception cref="InteractionRequiredException">The user must connect the vendor again.</exception>
    public async Task<VendorProfile> GetProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, (Uri?)null).WithTokenSubject(userId);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return new VendorProfile(answer.RootElement.GetProperty("subject").GetString() ?? string.Empty);
    }
}

/// <summary>The account a vendor's API answered for.</summary>
/// <param name="Account">The vendor's id of the account.</param>
public sealed record VendorProfile(string Account);

/// <summary>JustLogin's API (<c>v1/users/me</c>).</summary>
/// <param name="http">The client.</param>
public sealed class JustLoginApi(HttpClient http) : VendorApi(http, Vendor.All[0]);

/// <summary>Acme CRM's API, a standard OAuth2 provider's.</summary>
/// <param name="http">The client.</param>
public sealed class CrmApi(HttpClient http) : VendorApi(http, Vendor.All[1]);
