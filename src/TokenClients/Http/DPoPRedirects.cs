using System.Runtime.CompilerServices;

namespace TokenClients;

/// <summary>
/// Turns off the redirects of the primary handler under a DPoP client's <see cref="TokenHandler"/>, which then follows
/// them itself (the framework's redirect would carry the <c>DPoP</c> proof to whatever origin a <c>Location</c> names).
/// A primary handler shared across handler rotations is taken over once and remembered.
/// </summary>
internal static class DPoPRedirects
{
    private static readonly ConditionalWeakTable<HttpMessageHandler, StrongBox<int>> TakenOver = [];

    /// <summary>
    /// Returns how many redirects the token handler should follow: the primary handler's limit, or 0 when it follows none.
    /// A primary handler that wraps others (a <see cref="DelegatingHandler"/>) is looked through to the handler that sends.
    /// </summary>
    public static int TakeOver(HttpMessageHandler primary)
    {
        while (primary is DelegatingHandler { InnerHandler: { } inner })
        {
            primary = inner;
        }

        lock (TakenOver)
        {
            if (TakenOver.TryGetValue(primary, out var known))
            {
                return known.Value;
            }

            var max = 0;
            try
            {
                switch (primary)
                {
                    case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                        max = sockets.MaxAutomaticRedirections;
                        sockets.AllowAutoRedirect = false;
                        break;
                    case HttpClientHandler { AllowAutoRedirect: true } client:
                        max = client.MaxAutomaticRedirections;
                        client.AllowAutoRedirect = false;
                        break;
                }
            }
            catch (InvalidOperationException exception)
            {
                // A handler that has sent requests cannot be changed; its redirects would carry the proof anywhere.
                throw new InvalidOperationException(
                    "The primary handler of a client that sends DPoP proofs follows redirects and has already sent requests, so its redirects cannot be turned off; "
                    + "give the client a primary handler of its own, or one with AllowAutoRedirect = false.", exception);
            }

            TakenOver.Add(primary, new StrongBox<int>(max));
            return max;
        }
    }
}
