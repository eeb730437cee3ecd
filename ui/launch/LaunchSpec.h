#pragma once
#include <QString>
#include <QStringList>

namespace longrl::ui {

// Where and how a training run is started. The config itself travels separately (as JSON).
struct LaunchSpec {
  enum class Kind { Local, Ssh, Template };
  Kind kind = Kind::Local;

  // This machine's run directory: the run itself (local) or the mirror of a remote run's event
  // stream (ssh, template). It receives config.json either way.
  QString localRunDir;
  // The `longrl` program for local runs (default: the one next to the running executable).
  QString trainerProgram;

  // ssh: `ssh [-p port] [-l user] [options] host -- <remote command line>`.
  QString host;
  int port = 0;        // 0: ssh's default
  QString user;        // empty: ssh's default
  QString sshOptions;  // extra ssh words, e.g. "-i ~/.ssh/gpu -o ProxyJump=bastion"
  int connectTimeoutS = 15;
  QString remoteRunDir;                             // on the remote host (ssh) or for the templated command (template)
  QString remoteLongrl = QStringLiteral("longrl");  // the trainer program there

  // template: a command line with {command} (the whole `longrl train ...` command) or the single
  // values {longrl} {config} {run_dir} {nproc}; e.g. `srun -N 1 --gpus-per-node 8 {command}` (one
  // task, nproc 8 local ranks) or `srun -N 2 --ntasks-per-node 8 {command}` (nproc 1: each task is
  // a rank and derives MASTER_ADDR/MASTER_PORT from Slurm's variables, see DistributedEnv).
  QString templ;

  int nproc = 1;
  bool resume = false;

  // What the runs list shows in its "where" column.
  QString location() const {
    if (kind == Kind::Local) return QStringLiteral("local");
    if (kind == Kind::Ssh) return user.isEmpty() ? host : user + '@' + host;
    return QStringLiteral("template");
  }
};

}  // namespace longrl::ui
