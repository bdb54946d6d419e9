using System.Collections.ObjectModel;

namespace TokenClients.IntegrationTests.Telemetry;

/// <summary>A list exporters may add to from any thread while a test reads snapshots of it.</summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class LockedList<T> : Collection<T>
{
    private readonly Lock _lock = new();

    public List<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, T item)
    {
        lock (_lock)
        {
            base.InsertItem(index, item);
        }
    }

    protected override void ClearItems()
    {
        lock (_lock)
        {
            base.ClearItems();
        }
    }
}
