namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>One call to the protected API.</summary>
/// <param name="Token">The bearer token it carried.</param>
/// <param name="Subject">The subject of the token, when accepted.</param>
/// <param name="Accepted">Whether the token was accepted (200) or not (401).</param>
public sealed record ApiCall(string? Token, string? Subject, bool Accepted);
