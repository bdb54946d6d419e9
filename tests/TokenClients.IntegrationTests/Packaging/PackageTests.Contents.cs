using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TokenClients.IntegrationTests.Packaging;

/// <content>What a packed package must carry: metadata, dependencies, README links and SourceLink symbols.</content>
public sealed partial class PackageTests
{
    private const string RepositoryUrl = "https://github.com/tokenclients/tokenclients";

    /// <summary>The SourceLink record of a portable PDB (Portable PDB format, CustomDebugInformation kinds).</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    /// <summary>The portable PDB in the symbol package maps the sources to the repository's address at the packed commit.</summary>
    private static void AssertSourceLink(string symbols, string id, string? commit)
    {
        using var package = ZipFile.OpenRead(symbols);
        using var pdb = new MemoryStream();
        using (var entry = package.GetEntry($"lib/net10.0/{id}.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLinks = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => reader.GetBlobBytes(c.Value))
            .ToList();
        if (commit is null)
        {
            return;
        }

        using var json = JsonDocument.Parse(Assert.Single(sourceLinks));
        var target = Assert.Single(json.RootElement.GetProperty("documents").EnumerateObject()).Value.GetString();
        Assert.Equal($"https://raw.githubusercontent.com/tokenclients/tokenclients/{commit}/*", target);
    }

    private void AssertPackage(string root, string path, string id, string? commit, params string[] files)
    {
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("README.md", entries);
        Assert.Contains("icon.png", entries);
        foreach (var file in files)
        {
            Assert.Contains(file, entries);
        }

        // The package's own short README, whose links work on nuget.org: absolute, never relative to the repository.
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            var text = readme.ReadToEnd();
            Assert.Equal(File.ReadAllText(Path.Combine(root, "src", id, "README.md")), text);
            Assert.Contains($"dotnet {(id == "TokenClients.Cli" ? "tool install --global" : "add package")} {id}", text, StringComparison.Ordinal);
            Assert.Empty(Regex.Matches(text, @"\]\((?!https://)[^)]*\)").Select(m => m.Value));
            Assert.Contains(RepositoryUrl, text, StringComparison.Ordinal);
        }

        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(id, Value("id"));
        Assert.Equal(_version, Value("version"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal("icon.png", Value("icon"));
        Assert.Equal(RepositoryUrl, Value("projectUrl"));
        Assert.Contains(RepositoryUrl, Value("releaseNotes"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal(RepositoryUrl, repository.Attribute("url")?.Value);
        if (commit is not null)
        {
            Assert.Equal(commit, repository.Attribute("commit")?.Value);
        }

        // Only what the package needs (the allow-list says why), and one patch of the 10.0 family, not a mix.
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (Id: e.Attribute("id")!.Value, Version: e.Attribute("version")!.Value)).ToList();
        Assert.Equal(AllowedDependencies[id].Order(StringComparer.Ordinal), dependencies.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Equal(_version, dependencies.SingleOrDefault(d => d.Id == "TokenClients").Version ?? _version);
        Assert.True(
            dependencies.Where(d => d.Version.StartsWith("10.0.", StringComparison.Ordinal)).Select(d => d.Version).Distinct().Count() <= 1,
            "Dependencies of the 10.0 family at different patches: " + string.Join(", ", dependencies));
    }
}
