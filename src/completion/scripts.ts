/**
 * The shell scripts `ops completion <shell>` prints. Each only hands the words before the cursor to the
 * hidden `ops __complete --`, which knows the commands and options (from the program itself) and the
 * fleet's function and sample names: the scripts never go stale when ops or the config changes.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The hidden command the scripts call. */
export const COMPLETE_COMMAND = '__complete';

const bash = (bin: string) => `# ops completion for bash: source this file, e.g. from ~/.bashrc:
#   source <(${bin} completion bash)
_${bin}_complete() {
  local IFS=$'\\n'
  # Words before the cursor and the one being typed; '--' so that ops reads them as words, not options.
  COMPREPLY=($(command ${bin} ${COMPLETE_COMMAND} -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _${bin}_complete ${bin}
`;

const zsh = (bin: string) => `#compdef ${bin}
# ops completion for zsh: save as _${bin} in a directory of $fpath, or source it from ~/.zshrc:
#   source <(${bin} completion zsh)
_${bin}() {
  local -a reply
  reply=("\${(@f)$(command ${bin} ${COMPLETE_COMMAND} -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  reply=(\${reply:#})
  if (( \${#reply} )); then compadd -a reply; else _files; fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _${bin} "$@"; else compdef _${bin} ${bin}; fi
`;

const fish = (bin: string) => `# ops completion for fish: save as ~/.config/fish/completions/${bin}.fish, or:
#   ${bin} completion fish | source
function __${bin}_complete
  set -l words (commandline -opc)[2..-1] (commandline -ct)
  command ${bin} ${COMPLETE_COMMAND} -- $words 2>/dev/null
end
complete -c ${bin} -f -a '(__${bin}_complete)'
`;

/** The completion script for `shell`, calling the program named `bin`. */
export function completionScript(shell: Shell, bin = 'ops'): string {
  return { bash, zsh, fish }[shell](bin);
}
