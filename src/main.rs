fn main() -> std::process::ExitCode {
    arsrapport::cli::run()
}
