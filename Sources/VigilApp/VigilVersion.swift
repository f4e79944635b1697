/// The release this build is (`vigil --version`, the node report, the release tarball's name).
public enum VigilVersion {
    public static let current = "0.1.0"
}
