#pragma once
// Starting this same program (eqnet) as a child process, for `eqnet launch` (its ranks) and
// `eqnet bench data-parallel` (the runs it compares).
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace eqcli {

struct ChildOptions {
    std::map<std::string, std::string> environment; // set in the child, over the inherited
    std::string log;         // stdout and stderr to this file (empty: inherited)
    bool ownGroup = false;   // own process group: Ctrl-C at the terminal does not reach it
    bool dieWithParent = false;
};

// Starts `eqnet args...` (this executable); throws eqnet::Error when it cannot.
pid_t startSelf(const std::vector<std::string>& args, const ChildOptions& options = {});
// Waits for the child; its exit status, or 128 + the signal that ended it.
int waitChild(pid_t pid);
// "exited with status 2", "was killed by signal 9 (Killed)": a waitpid status in words.
std::string describeWaitStatus(int status);

} // namespace eqcli
