namespace TokenClients.Vendors.MoodHood;

/// <summary>
/// Decides whether a 401 from MoodHood's user stage blames the client token. MoodHood answers a refused client token
/// and a refused user credential with the same bare 401 (docs/vendors/moodhood.md, "Errors"), so the answer cannot
/// tell; time can: a client token obtained or replaced within <see cref="Interval"/> is taken to be good, and the
/// client token is replaced at most once per interval. Thread-safe.
/// </summary>
/// <param name="time">The clock.</param>
internal sealed class ClientTokenReplacement(TimeProvider time)
{
    /// <summary>How long a client token is trusted after it was first sent or replaced.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private string? _current;
    private DateTimeOffset _firstSent;
    private DateTimeOffset _lastReplaced = DateTimeOffset.MinValue;

    /// <summary>Notes that <paramref name="clientToken"/> is about to be sent.</summary>
    public void Sending(AccessToken clientToken)
    {
        lock (_lock)
        {
            if (!string.Equals(_current, clientToken.Value, StringComparison.Ordinal))
            {
                _current = clientToken.Value;
                _firstSent = time.GetUtcNow();
            }
        }
    }

    /// <summary>Returns whether a 401 to <paramref name="clientToken"/> should replace it; claims the interval's replacement when it should.</summary>
    /// <param name="clientToken">The client token the refused request carried.</param>
    /// <param name="age">How long the client token has been sent.</param>
    public bool TryClaim(AccessToken clientToken, out TimeSpan age)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            age = string.Equals(_current, clientToken.Value, StringComparison.Ordinal) ? now - _firstSent : TimeSpan.Zero;
            if (age < Interval || now - _lastReplaced < Interval)
            {
                return false;
            }

            _lastReplaced = now;
            return true;
        }
    }
}
