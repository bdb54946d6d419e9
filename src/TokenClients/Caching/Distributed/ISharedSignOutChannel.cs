namespace TokenClients;

/// <summary>
/// Carries sign-outs between the instances of an application that share signed-in users: a user signed out on one
/// instance (<see cref="IAuthorizationCodeFlow.SignOutAsync"/>) is forgotten at once by the in-memory caches of the
/// others, which then serve none of the user's tokens. <c>AddTokenClientsRedis</c> registers one on Redis publish and
/// subscribe; over another shared cache, register one of your own before <c>AddTokenClientsDistributedCache</c>.
/// </summary>
/// <remarks>
/// Messages are opaque bytes, encrypted and authenticated by TokenClients with Data Protection: a channel only carries
/// them, to every subscribed instance including the one that published. Delivery is best effort (an instance cut off
/// from the channel when a user signs out keeps that user's access token in memory until it expires or is refreshed,
/// and a refresh then finds no stored set). Implementations are thread-safe; a failure to publish is thrown.
/// </remarks>
public interface ISharedSignOutChannel
{
    /// <summary>Sends <paramref name="message"/> to every instance subscribed to the channel.</summary>
    /// <param name="message">The encrypted message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the message is handed to the channel.</returns>
    ValueTask PublishAsync(byte[] message, CancellationToken cancellationToken = default);

    /// <summary>Starts delivering the channel's messages to <paramref name="onMessage"/>; called once per instance, and again after it threw.</summary>
    /// <param name="onMessage">Receives each message; it never throws.</param>
    /// <param name="cancellationToken">Cancels the subscription's setup.</param>
    /// <returns>A task that completes when the subscription is in place.</returns>
    ValueTask SubscribeAsync(Action<byte[]> onMessage, CancellationToken cancellationToken = default);
}
