namespace TokenClients;

/// <summary>
/// A setting that also answers to a former name: a value set under the current name wins over one set under the former
/// name, whatever the order they arrive in (configuration keys and binders follow no order a user can see). Setting the
/// value it already has (a binder writing back what it read) does not count as setting it.
/// </summary>
/// <typeparam name="T">The setting's type.</typeparam>
/// <param name="initial">The default value.</param>
internal struct RenamedSetting<T>(T initial)
{
    private bool _set;

    /// <summary>Gets the value.</summary>
    public T Value { get; private set; } = initial;

    /// <summary>Sets the value under the current name.</summary>
    public void Set(T value)
    {
        _set |= !EqualityComparer<T>.Default.Equals(value, Value);
        Value = value;
    }

    /// <summary>Sets the value under the former name, unless it was set under the current one.</summary>
    public void SetFormer(T value)
    {
        if (!_set)
        {
            Value = value;
        }
    }
}
