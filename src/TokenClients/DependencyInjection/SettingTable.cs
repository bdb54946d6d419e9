using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TokenClients.DependencyInjection;

/// <summary>
/// The settings one options type takes from a configuration section, written out key by key: no reflection (trimming
/// and AOT safe), unknown keys reported, and error messages that name the full key and never quote a value.
/// </summary>
/// <typeparam name="T">The options type.</typeparam>
internal sealed class SettingTable<T>
{
    private readonly Dictionary<string, Action<IConfigurationSection, T, List<string>>> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _keys = [];

    /// <summary>Gets the keys in the order they were declared, for messages.</summary>
    public IReadOnlyList<string> Keys => _keys;

    public SettingTable<T> Text(string key, Action<T, string> set) =>
        Add(key, (section, target, _) => set(target, section.Value!));

    public SettingTable<T> Url(string key, Action<T, Uri?> set) =>
        Add(key, (section, target, errors) =>
        {
            if (section.Value!.Length == 0)
            {
                set(target, null);
            }
            else if (Uri.TryCreate(section.Value, UriKind.Absolute, out var uri))
            {
                set(target, uri);
            }
            else
            {
                errors.Add($"{section.Path} must be an absolute URL.");
            }
        });

    public SettingTable<T> Duration(string key, Action<T, TimeSpan> set) =>
        Typed(key, set, static (string value, out TimeSpan result) => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out result), "a time span such as 00:05:00");

    public SettingTable<T> Flag(string key, Action<T, bool> set) =>
        Typed(key, set, bool.TryParse, "true or false");

    public SettingTable<T> Number(string key, Action<T, int> set) =>
        Typed(key, set, static (string value, out int result) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result), "a whole number");

    public SettingTable<T> Choice<TEnum>(string key, Action<T, TEnum> set)
        where TEnum : struct, Enum =>
        Typed(
            key,
            set,
            static (string value, out TEnum result) =>
            {
                // Names only: Enum.TryParse would also take "7" and make it a value no one defined.
                result = default;
                return !(char.IsAsciiDigit(value[0]) || value[0] is '-' or '+') && Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result);
            },
            "one of " + string.Join(", ", Enum.GetNames<TEnum>()));

    /// <summary>A section of name/value pairs added to a dictionary the options own.</summary>
    public SettingTable<T> Map(string key, Func<T, IDictionary<string, string>> get)
    {
        _keys.Add(key);
        _settings.Add(key, (section, target, errors) =>
        {
            if (!IsSection(section, errors, "a section of name/value pairs"))
            {
                return;
            }

            var map = get(target);
            foreach (var pair in section.GetChildren())
            {
                if (pair.Value is null)
                {
                    errors.Add($"{pair.Path} must be a single value, not a section.");
                }
                else
                {
                    map[pair.Key] = pair.Value;
                }
            }
        });
        return this;
    }

    /// <summary>A JSON array (children <c>0</c>, <c>1</c>, …) appended, in order, to a list the options own.</summary>
    public SettingTable<T> List(string key, Func<T, IList<string>> get)
    {
        _keys.Add(key);
        _settings.Add(key, (section, target, errors) =>
        {
            if (!IsSection(section, errors, "a list"))
            {
                return;
            }

            var list = get(target);
            foreach (var item in section.GetChildren())
            {
                if (item.Value is null || !int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{item.Path}: {section.Path} must be a list of single values.");
                }
                else
                {
                    list.Add(item.Value);
                }
            }
        });
        return this;
    }

    /// <summary>A subsection bound to an object the options own.</summary>
    public SettingTable<T> Section<TChild>(string key, Func<T, TChild> get, SettingTable<TChild> table)
    {
        _keys.Add(key);
        _settings.Add(key, (section, target, errors) =>
        {
            if (IsSection(section, errors, "a section"))
            {
                table.Bind(section, get(target), errors, "a setting of " + key);
            }
        });
        return this;
    }

    /// <summary>Applies every child of <paramref name="section"/> except <paramref name="skip"/>; unknown keys are errors.</summary>
    /// <param name="section">The section to read.</param>
    /// <param name="target">The options to set.</param>
    /// <param name="errors">Receives one message per problem.</param>
    /// <param name="owner">How messages name what the keys belong to ("a setting of Kind 'Mluvii'").</param>
    /// <param name="skip">Keys another reader handles.</param>
    public void Bind(IConfigurationSection section, T target, List<string> errors, string owner, params string[] skip)
    {
        foreach (var child in section.GetChildren())
        {
            if (skip.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!_settings.TryGetValue(child.Key, out var apply))
            {
                errors.Add($"{child.Path} is not {owner}; the settings are {string.Join(", ", _keys.Concat(skip))}.");
                continue;
            }

            apply(child, target, errors);
        }
    }

    private static bool IsSection(IConfigurationSection section, List<string> errors, string expected)
    {
        if (section.Value is { Length: > 0 })
        {
            errors.Add($"{section.Path} must be {expected}, not a single value.");
            return false;
        }

        return true;
    }

    private delegate bool TryParse<TValue>(string value, out TValue result);

    private SettingTable<T> Typed<TValue>(string key, Action<T, TValue> set, TryParse<TValue> parse, string expected) =>
        Add(key, (section, target, errors) =>
        {
            if (section.Value!.Length == 0)
            {
                return;
            }

            if (parse(section.Value.Trim(), out var value))
            {
                set(target, value);
            }
            else
            {
                errors.Add($"{section.Path} must be {expected}.");
            }
        });

    /// <summary>Declares a single-value key: a section in its place is an error, an absent value leaves the default.</summary>
    private SettingTable<T> Add(string key, Action<IConfigurationSection, T, List<string>> apply)
    {
        _keys.Add(key);
        _settings.Add(key, (section, target, errors) =>
        {
            if (section.Value is null)
            {
                if (section.GetChildren().Any())
                {
                    errors.Add($"{section.Path} must be a single value, not a section.");
                }

                return;
            }

            apply(section, target, errors);
        });
        return this;
    }
}
