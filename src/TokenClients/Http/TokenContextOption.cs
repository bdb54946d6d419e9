using System.Runtime.CompilerServices;

namespace TokenClients;

/// <summary>
/// Where a request carries its <see cref="TokenContext"/>: an entry of <see cref="HttpRequestMessage.Options"/>, read
/// without allocating.
/// </summary>
/// <remarks>
/// <see cref="HttpRequestMessage.Options"/> creates its dictionary on first read, so reading it for every request would
/// cost each request that carries no context an allocation. The reader looks at the request's options field first: a
/// request whose options nobody touched has no context. Should a runtime not have that field, every read goes through
/// the public property instead: the answer is the same, only an allocation dearer.
/// </remarks>
internal static class TokenContextOption
{
    /// <summary>The request option that carries a per-request context; set it with <c>WithTokenContext</c>.</summary>
    public static readonly HttpRequestOptionsKey<TokenContext> Key = new("TokenClients.TokenContext");

    /// <summary>The request option that names the user by id alone; set it with <c>WithTokenSubject</c>.</summary>
    public static readonly HttpRequestOptionsKey<string> SubjectKey = new("TokenClients.TokenSubject");

    private static readonly bool s_fieldReadable = ProbeField();

    /// <summary>The context the request carries, or the user it names by id alone, or neither.</summary>
    public static TokenContext? Read(HttpRequestMessage request, out string? subject)
    {
        subject = null;
        if (s_fieldReadable && OptionsField(request) is null)
        {
            return null;
        }

        var options = request.Options;
        if (options.TryGetValue(Key, out var context))
        {
            return context;
        }

        subject = options.TryGetValue(SubjectKey, out var id) ? id : null;
        return null;
    }

    /// <summary>The context the request carries, with a user named by id alone made into its context.</summary>
    public static TokenContext? ReadOrCreate(HttpRequestMessage request) =>
        Read(request, out var subject) ?? (subject is null ? null : TokenContext.ForSubject(subject));

    public static void Write(HttpRequestMessage request, TokenContext context)
    {
        ((IDictionary<string, object?>)request.Options).Remove(SubjectKey.Key);
        request.Options.Set(Key, context);
    }

    public static void WriteSubject(HttpRequestMessage request, string subject)
    {
        ((IDictionary<string, object?>)request.Options).Remove(Key.Key);
        request.Options.Set(SubjectKey, subject);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_options")]
    private static extern ref HttpRequestOptions? OptionsField(HttpRequestMessage request);

    private static bool ProbeField()
    {
        try
        {
            using var probe = new HttpRequestMessage();
            if (OptionsField(probe) is not null)
            {
                return false;
            }

            // The field must be the one the property fills, not merely a field of that name.
            var options = probe.Options;
            return ReferenceEquals(OptionsField(probe), options);
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }
}
