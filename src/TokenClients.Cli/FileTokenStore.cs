using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenClients.Cli;

/// <summary>
/// The command line's <see cref="ITokenStore"/>: the token sets of <c>tokenclients login</c> in one JSON file in the user's
/// configuration folder (<c>~/.config/tokenclients/tokens.json</c>, <c>%APPDATA%\tokenclients\tokens.json</c> on Windows),
/// or where <c>TOKENCLIENTS_TOKEN_STORE</c> points. On Unix the folder is 0700 and the file 0600, as other developer tools
/// keep their credentials; the file is replaced whole on each write, never left half written, under an exclusive lock on
/// <c>tokens.json.lock</c> that other tokenclients processes wait for.
/// </summary>
internal sealed class FileTokenStore(string path) : ITokenStore
{
    /// <summary>The environment variable that moves the store.</summary>
    public const string PathVariable = "TOKENCLIENTS_TOKEN_STORE";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly Lock _gate = new();

    /// <summary>Gets the file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The store at <c>TOKENCLIENTS_TOKEN_STORE</c>, else in the user's configuration folder.</summary>
    public static FileTokenStore Default() => new(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured
        ? configured
        : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "tokenclients", "tokens.json"));

    // A small file read and written whole: synchronous, under one lock per process.
    public ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new(Read()["tokens"]?[providerName]?[subject] is JsonObject entry ? ToTokenSet(entry) : null);
        }
    }

    public ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return UpdateAsync(root => Provider(root, providerName)[subject] = ToJson(tokens), cancellationToken);
    }

    public ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        return UpdateAsync(root => Provider(root, providerName).Remove(subject), cancellationToken);
    }

    private static JsonObject Provider(JsonObject root, string providerName)
    {
        var tokens = root["tokens"] as JsonObject ?? (JsonObject)(root["tokens"] = new JsonObject());
        return tokens[providerName] as JsonObject ?? (JsonObject)(tokens[providerName] = new JsonObject());
    }

    private async ValueTask UpdateAsync(Action<JsonObject> change, CancellationToken cancellationToken)
    {
        // Read, change and write under a lock that other tokenclients processes see too: else two of them writing at once
        // (a login while another command writes a refreshed set back) each replace the file with their own reading of
        // it, and one loses the other's sign-in.
        using var crossProcess = await LockFileAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var root = Read();
            change(root);
            Write(root);
        }
    }

    /// <summary>Holds <c>tokens.json.lock</c> exclusively (an advisory lock on Unix), waiting up to 10 seconds for it.</summary>
    private async Task<FileStream> LockFileAsync(CancellationToken cancellationToken)
    {
        CreateFolder();
        var options = new FileStreamOptions { Mode = System.IO.FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                throw new CliException($"the token store '{Path}' is locked by another tokenclients command; try again when it has finished", exception);
            }
        }
    }

    private void CreateFolder()
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
    }

    private JsonObject Read()
    {
        if (!File.Exists(Path))
        {
            return new JsonObject { ["version"] = 1 };
        }

        try
        {
            var text = File.ReadAllText(Path);
            return JsonNode.Parse(text) as JsonObject ?? throw new CliException($"the token store '{Path}' is not a JSON object; delete it and sign in again");
        }
        catch (JsonException exception)
        {
            throw new CliException($"the token store '{Path}' is not valid JSON; delete it and sign in again", exception);
        }
    }

    private void Write(JsonObject root)
    {
        // A new file, readable by its owner only from its first byte, then moved over the old one.
        var temporary = Path + "." + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + ".tmp";
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(Indented)));
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static JsonObject ToJson(TokenSet tokens) => new()
    {
        ["access_token"] = tokens.AccessToken,
        ["token_type"] = tokens.TokenType,
        ["expires_at"] = tokens.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
        ["refresh_token"] = tokens.RefreshToken,
        ["refresh_token_expires_at"] = tokens.RefreshTokenExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
        ["scope"] = tokens.Scope,
        ["id_token"] = tokens.IdentityToken,
    };

    private TokenSet ToTokenSet(JsonObject entry)
    {
        try
        {
            return new TokenSet
            {
                AccessToken = (string)entry["access_token"]!,
                TokenType = (string?)entry["token_type"] ?? "Bearer",
                ExpiresAt = DateTimeOffset.Parse((string)entry["expires_at"]!, CultureInfo.InvariantCulture),
                RefreshToken = (string?)entry["refresh_token"],
                RefreshTokenExpiresAt = entry["refresh_token_expires_at"] is { } refreshExpiry ? DateTimeOffset.Parse((string)refreshExpiry!, CultureInfo.InvariantCulture) : null,
                Scope = (string?)entry["scope"],
                IdentityToken = (string?)entry["id_token"],
            };
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or NullReferenceException or ArgumentNullException)
        {
            throw new CliException($"the token store '{Path}' holds an entry that cannot be read; delete it and sign in again", exception);
        }
    }
}
