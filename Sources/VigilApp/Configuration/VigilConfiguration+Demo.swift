extension VigilConfiguration {
    /// What `vigil run` does without `--config` (and so `make run`): the demo camera, a generated
    /// video of the scenes the demo model knows, scored five times a second, with the dashboard
    /// at http://127.0.0.1:8080/dashboard. Paths are relative to the working directory (the
    /// checkout). MQTT stays off unless `VIGIL_MQTT_URL` is set.
    public static let demoYAML = """
        node: demo
        server:
          host: 127.0.0.1
          port: 8080
        models:
          - name: demo
            path: demo/model
        cameras:
          - name: demo
            source: demo/video.mp4
            loop: true
            fps: 5
        """
}
