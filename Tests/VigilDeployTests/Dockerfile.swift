import Foundation

/// A Dockerfile read as its instructions, enough for the structure tests: continuation lines
/// joined, comments and parser directives dropped, split into stages at each FROM.
struct Dockerfile {
    struct Instruction: Equatable {
        /// Upper-cased: FROM, RUN, COPY...
        let keyword: String
        let arguments: String
    }

    struct Stage {
        /// The FROM arguments: image, then `AS name` if any.
        let from: String
        var instructions: [Instruction] = []

        func all(_ keyword: String) -> [String] { instructions.filter { $0.keyword == keyword }.map(\.arguments) }

        /// The packages of every `apt-get install` in the stage's RUN instructions.
        var aptPackages: [String] {
            all("RUN").flatMap { run in
                run.components(separatedBy: "&&").flatMap { command -> [String] in
                    let words = command.split(whereSeparator: \.isWhitespace).map(String.init)
                    guard let install = words.firstIndex(of: "install"), install > 0, words[install - 1] == "apt-get" else { return [] }
                    return words[(install + 1)...].filter { !$0.hasPrefix("-") }
                }
            }
        }
    }

    let stages: [Stage]

    init(_ text: String) {
        var logical: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            pending += line
            if !pending.trimmingCharacters(in: .whitespaces).isEmpty { logical.append(pending) }
            pending = ""
        }
        var stages: [Stage] = []
        for line in logical {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let keyword = parts[0].uppercased()
            let arguments = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            if keyword == "FROM" {
                stages.append(Stage(from: arguments))
            } else if !stages.isEmpty {
                stages[stages.count - 1].instructions.append(Instruction(keyword: keyword, arguments: arguments))
            }
        }
        self.stages = stages
    }

    /// The sources and destination of a COPY's arguments, and its `--from` stage if any.
    static func copy(_ arguments: String) -> (from: String?, sources: [String], destination: String) {
        var words = arguments.split(whereSeparator: \.isWhitespace).map(String.init)
        var from: String?
        while let first = words.first, first.hasPrefix("--") {
            if first.hasPrefix("--from=") { from = String(first.dropFirst("--from=".count)) }
            words.removeFirst()
        }
        return (from, Array(words.dropLast()), words.last ?? "")
    }
}
