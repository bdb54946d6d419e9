namespace TokenClients.Caching;

/// <summary>
/// What a <see cref="TokenHandler"/> tells its provider after a 401: the token that replaced the rejected one was
/// accepted by the API. A provider that hears nothing treats a quick rejection of the replacement as an API that
/// refuses every token (<see cref="TokenProviderOptions.RejectedTokenCooldown"/>).
/// </summary>
internal interface IRejectionFeedback
{
    /// <summary>Notes that <paramref name="token"/>, which replaced a rejected token, was accepted.</summary>
    void Accepted(AccessToken token, TokenContext? context);
}
