using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TokenClients.Redis;

/// <summary>Sign-outs between instances over Redis publish and subscribe, on a channel named with the key prefix.</summary>
internal sealed class RedisSignOutChannel(RedisConnection redis, IOptions<DistributedTokenCacheOptions> options) : ISharedSignOutChannel
{
    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.KeyPrefix + "sign-out");

    public async ValueTask PublishAsync(byte[] message, CancellationToken cancellationToken = default) =>
        await redis.Multiplexer.GetSubscriber().PublishAsync(_channel, message).WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask SubscribeAsync(Action<byte[]> onMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMessage);

        // The multiplexer subscribes again by itself after a reconnection.
        await redis.Multiplexer.GetSubscriber().SubscribeAsync(_channel, (_, value) =>
        {
            if (!value.IsNullOrEmpty)
            {
                onMessage((byte[])value!);
            }
        }).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
