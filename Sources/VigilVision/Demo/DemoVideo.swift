import VigilCore
import VigilImage

/// The frames of the demo camera's video: each demo class in turn for two seconds, the shape
/// drifting across the picture, so the demo model's answer changes as the video plays.
public enum DemoVideo {
    /// Frames per second of the demo video.
    public static let frameRate = 10
    /// Frames each scene lasts.
    public static let framesPerScene = 20

    /// Frame `index` (0-based) at `width`×`height`; the sequence repeats every five scenes.
    public static func frame(_ index: Int, width: Int = 640, height: Int = 480) -> RGBImage {
        let sceneIndex = index / framesPerScene
        let subject = DemoScene.Subject.allCases[sceneIndex % DemoScene.Subject.allCases.count]
        var generator = SplitMix64(seed: 0x5EED_0000 &+ UInt64(sceneIndex))
        var scene = DemoScene.random(subject, using: &generator)
        let progress = Double(index % framesPerScene) / Double(framesPerScene)
        scene.centerX = 0.3 + progress * 0.4
        return scene.render(width: width, height: height)
    }

    /// The subject shown in frame `index`.
    public static func subject(ofFrame index: Int) -> DemoScene.Subject {
        DemoScene.Subject.allCases[(index / framesPerScene) % DemoScene.Subject.allCases.count]
    }
}
