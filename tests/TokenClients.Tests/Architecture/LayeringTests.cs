using System.Text.RegularExpressions;

namespace TokenClients.Tests.Architecture;

/// <summary>
/// The folders of src/TokenClients are its layers: a file may use types of its own folder and of lower layers only, and
/// a provider kind's folder may not use another kind's. Namespaces are shared across folders, so the check reads the
/// source files: the types each file declares at its top level, and the type names each file mentions in code.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>The layers, lowest first; a folder belongs to the first entry its path starts with.</summary>
    private static readonly (string Folder, int Layer)[] Layers =
    [
        ("Abstractions/", 0),
        ("Diagnostics/", 1),
        ("Protocol/", 2),
        ("Caching/", 3),
        ("Http/", 4),
        ("SignIn/", 5),
        ("DependencyInjection/", 6),
        ("Standard/", 7),
        ("Vendors/", 7),
        ("Configuration/", 8),
    ];

    [Fact]
    public void No_folder_uses_a_higher_layer_or_another_kind()
    {
        var files = SourceFiles("src/TokenClients");
        var declaredIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in files)
        {
            foreach (Match declaration in TopLevelType().Matches(Code(text)))
            {
                declaredIn.TryAdd(declaration.Groups["name"].Value, path);
            }
        }

        var violations = new List<string>();
        foreach (var (path, text) in files)
        {
            var (layer, kind) = Place(path);

            // A partial type (one public extension class whose parts live in the folders of their kinds) is each part's own.
            var declaredHere = TopLevelType().Matches(Code(text)).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
            foreach (var name in Identifier().Matches(Code(text)).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (!declaredIn.TryGetValue(name, out var target) || target == path || declaredHere.Contains(name))
                {
                    continue;
                }

                var (targetLayer, targetKind) = Place(target);
                if (targetLayer > layer || (kind is not null && targetKind is not null && kind != targetKind))
                {
                    violations.Add($"{path} uses {name} of {target}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Layering violations:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Every_source_folder_is_a_known_layer()
    {
        var unplaced = SourceFiles("src/TokenClients").Select(f => f.Path).Where(p => p.Contains('/', StringComparison.Ordinal) && !Layers.Any(l => p.StartsWith(l.Folder, StringComparison.Ordinal)));

        Assert.Empty(unplaced);
    }

    [Fact]
    public void No_source_or_test_file_is_over_250_lines()
    {
        var long_ = CodeFiles()
            .Select(f => (f.Path, Lines: LineCount(f.Text)))
            .Where(f => f.Lines > 250)
            .Select(f => $"{f.Path}: {f.Lines} lines")
            .ToList();

        Assert.True(long_.Count == 0, "Files over 250 lines:\n" + string.Join('\n', long_));
    }

    [Fact]
    public void Every_test_file_declares_one_top_level_type()
    {
        // Library files may keep a small companion (an options enum, an exception, a JSON context) beside their type;
        // a test file holds one class, so that a test is found by its file.
        var crowded = CodeFiles()
            .Where(f => f.Path.StartsWith("tests/", StringComparison.Ordinal))
            .Select(f => (f.Path, Types: TopLevelType().Matches(Code(f.Text)).Select(m => m.Groups["name"].Value).ToList()))
            .Where(f => f.Types.Count > 1)
            .Select(f => $"{f.Path}: {string.Join(", ", f.Types)}")
            .ToList();

        Assert.True(crowded.Count == 0, "Files declaring several top-level types:\n" + string.Join('\n', crowded));
    }

    private static int LineCount(string text) => text.Count(c => c == '\n') + (text.Length > 0 && !text.EndsWith('\n') ? 1 : 0);

    /// <summary>Every C# file of src/ and tests/ outside build output, by its path from the repository root.</summary>
    private static IEnumerable<(string Path, string Text)> CodeFiles() =>
        new[] { "src", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root(), folder), "*.cs", SearchOption.AllDirectories))
            .Where(p => !IsBuildOutput(p))
            .Select(p => (Path.GetRelativePath(Root(), p).Replace('\\', '/'), File.ReadAllText(p)));

    /// <summary>The layer of a file, and its kind folder (<c>Vendors/Oli</c>) when it belongs to one.</summary>
    private static (int Layer, string? Kind) Place(string path)
    {
        var layer = Layers.FirstOrDefault(l => path.StartsWith(l.Folder, StringComparison.Ordinal));
        if (layer.Folder is null)
        {
            return (-1, null); // the project root: assembly-level files only
        }

        // A kind is a folder under Standard/ or Vendors/; a file directly in those folders belongs to no kind and is
        // shared by none either: it counts as a kind of its own.
        var segments = path.Split('/');
        return (layer.Layer, layer.Layer != 7 ? null : segments.Length > 2 ? segments[0] + "/" + segments[1] : segments[0] + "/");
    }

    private static List<(string Path, string Text)> SourceFiles(string project)
    {
        var root = Path.Combine(Root(), project);
        return [.. Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(p))
            .Select(p => (Path.GetRelativePath(root, p).Replace('\\', '/'), File.ReadAllText(p)))];
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TokenClients.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (TokenClients.sln) was not found.");
    }

    /// <summary>The code of a file without comments and string literals, where type names appear only as words.</summary>
    private static string Code(string text) => StringLiteral().Replace(Comment().Replace(text, " "), "\"\"");

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"@?\$*""""""[\s\S]*?""""""|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^(?:(?:public|internal|file|sealed|static|abstract|partial|readonly)\s+)*(?:class|interface|struct|enum|record(?:\s+struct|\s+class)?)\s+(?<name>[A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();
}
