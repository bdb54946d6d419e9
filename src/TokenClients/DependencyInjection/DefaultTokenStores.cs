using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.DependencyInjection;

/// <summary>Remembers which <see cref="ITokenStore"/> registrations TokenClients made itself, so a durable store may replace them.</summary>
internal static class DefaultTokenStores
{
    private static readonly ConditionalWeakTable<ServiceDescriptor, object> Marked = [];

    public static bool IsDefault(ServiceDescriptor descriptor) =>
        descriptor.ImplementationType == typeof(InMemoryTokenStore) || Marked.TryGetValue(descriptor, out _);

    public static void Mark(ServiceDescriptor descriptor) => Marked.AddOrUpdate(descriptor, descriptor);
}
