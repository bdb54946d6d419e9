namespace TokenClients.Caching;

/// <summary>
/// One asynchronous gate per signed-in user: the refreshes of every context of a user run one at a time, because
/// they all spend the one refresh token stored for that user.
/// </summary>
/// <remarks>Gates exist only while someone holds or waits for them; the table never grows with the number of users.</remarks>
internal sealed class SubjectGates
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the user's gate; dispose the result to let the next refresh of that user in.</summary>
    public async ValueTask<Releaser> EnterAsync(string subject, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(subject, out gate!))
            {
                gate = new Gate();
                _gates.Add(subject, gate);
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(subject, gate);
            throw;
        }

        return new Releaser(this, subject, gate);
    }

    private void Leave(string subject, Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(subject);
                gate.Semaphore.Dispose();
            }
        }
    }

    /// <summary>Holds a user's gate until disposed.</summary>
    internal readonly struct Releaser : IDisposable
    {
        private readonly SubjectGates _owner;
        private readonly string _subject;
        private readonly Gate _gate;

        public Releaser(SubjectGates owner, string subject, Gate gate)
        {
            _owner = owner;
            _subject = subject;
            _gate = gate;
        }

        public void Dispose()
        {
            _gate.Semaphore.Release();
            _owner.Leave(_subject, _gate);
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }
}
