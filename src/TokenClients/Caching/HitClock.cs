namespace TokenClients.Caching;

/// <summary>
/// The clock a cache hit reads. On the system clock it reads <see cref="Environment.TickCount64"/> (about 5 ns) instead
/// of the wall clock (about 25 ns), anchored to UTC at every fetch and whenever a second of ticks has passed since the
/// last anchor. The tick is coarse (a few milliseconds) and stands still while the machine sleeps, so a hit may misjudge
/// the time by up to a second after a suspend: tokens stop being served ClockSkew before expiry, and a 401 replaces a
/// token anyway. Any other clock (a fake one in tests) is read exactly, always.
/// </summary>
internal sealed class HitClock
{
    private const long ReanchorAfterMilliseconds = 1000;
    private readonly TimeProvider _time;
    private readonly bool _coarse;
    private long _tickOffset;
    private long _anchorTick;

    public HitClock(TimeProvider time)
    {
        _time = time;
        _coarse = ReferenceEquals(time, TimeProvider.System);
        Reanchor();
    }

    /// <summary>Now, in UTC ticks.</summary>
    public long UtcTicks()
    {
        if (!_coarse)
        {
            return _time.GetUtcNow().UtcTicks;
        }

        var tick = Environment.TickCount64;
        if (tick - Volatile.Read(ref _anchorTick) >= ReanchorAfterMilliseconds)
        {
            Reanchor();
        }

        return (tick * TimeSpan.TicksPerMillisecond) + Volatile.Read(ref _tickOffset);
    }

    /// <summary>Re-reads the wall clock.</summary>
    public void Reanchor()
    {
        if (_coarse)
        {
            var tick = Environment.TickCount64;
            Volatile.Write(ref _tickOffset, _time.GetUtcNow().UtcTicks - (tick * TimeSpan.TicksPerMillisecond));
            Volatile.Write(ref _anchorTick, tick);
        }
    }
}
